/** Maps the server's typed domain errors onto tRPC error codes. */
import { FlowValidationError, type ValidationIssue } from '@patchbay/engine';
import { TRPCError } from '@trpc/server';
import {
  ConflictError,
  FlowNotRunnableError,
  FlowStateError,
  ForbiddenError,
  InvalidInputError,
  InvalidRequestError,
  NotFoundError,
  OverloadedError,
  RunStateError,
  TooManyAttemptsError,
  UnauthenticatedError,
} from '../domain-errors.ts';

type TRPCErrorCode = ConstructorParameters<typeof TRPCError>[0]['code'];

function codeFor(error: unknown): TRPCErrorCode | undefined {
  if (error instanceof NotFoundError) return 'NOT_FOUND';
  if (error instanceof FlowValidationError) return 'BAD_REQUEST';
  if (error instanceof InvalidRequestError) return 'BAD_REQUEST';
  if (error instanceof FlowNotRunnableError) return 'PRECONDITION_FAILED';
  if (error instanceof RunStateError) return 'PRECONDITION_FAILED';
  if (error instanceof FlowStateError) return 'PRECONDITION_FAILED';
  if (error instanceof ConflictError) return 'CONFLICT';
  if (error instanceof UnauthenticatedError) return 'UNAUTHORIZED';
  if (error instanceof ForbiddenError) return 'FORBIDDEN';
  if (error instanceof TooManyAttemptsError) return 'TOO_MANY_REQUESTS';
  if (error instanceof OverloadedError) {
    return error.scope === 'flow' ? 'TOO_MANY_REQUESTS' : 'SERVICE_UNAVAILABLE';
  }
  return undefined;
}

/** A TRPCError for a known domain error, or undefined to let tRPC report it as internal. */
export function toTRPCError(error: unknown): TRPCError | undefined {
  const code = codeFor(error);
  if (!code || !(error instanceof Error)) return undefined;
  return new TRPCError({ code, message: error.message, cause: error });
}

/** What a 503 says when the database cannot be reached. */
export const DATABASE_UNAVAILABLE_MESSAGE =
  'Patchbay cannot reach its database right now. Try again in a moment; if this goes on, check that PostgreSQL is running.';

/** The input field an error is about, for the formatter's `data.field`. */
export function fieldOf(error: unknown): string | null {
  return error instanceof InvalidInputError ? error.field : null;
}

/** Validation issues carried by an error, for the formatter's `data.issues`. */
export function issuesOf(error: unknown): ValidationIssue[] | null {
  if (error instanceof FlowValidationError || error instanceof FlowNotRunnableError) {
    return error.issues;
  }
  return null;
}

/** Seconds a client should wait before retrying, for the Retry-After header and `data`. */
export function retryAfterSecondsOf(error: unknown): number | null {
  return error instanceof OverloadedError ? error.retryAfterSeconds : null;
}
