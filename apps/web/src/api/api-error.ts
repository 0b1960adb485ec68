/** Reads the structured details the server's error formatter attaches to tRPC errors. */
import type { ValidationIssue } from './types.ts';

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isIssue(value: unknown): value is ValidationIssue {
  return (
    isRecord(value) &&
    typeof value.message === 'string' &&
    typeof value.code === 'string' &&
    Array.isArray(value.path)
  );
}

/** The `data.issues` list of a BAD_REQUEST / PRECONDITION_FAILED error, or [] when absent. */
export function issuesFromError(error: unknown): ValidationIssue[] {
  if (!isRecord(error) || !isRecord(error.data)) return [];
  const issues = error.data.issues;
  return Array.isArray(issues) ? issues.filter(isIssue) : [];
}

/** The tRPC error code (`BAD_REQUEST`, `NOT_FOUND`, …) if the error carries one. */
export function errorCode(error: unknown): string | undefined {
  if (!isRecord(error) || !isRecord(error.data)) return undefined;
  return typeof error.data.code === 'string' ? error.data.code : undefined;
}

export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  return typeof error === 'string' ? error : 'Something went wrong';
}
