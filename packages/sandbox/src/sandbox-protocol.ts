/** Messages between a sandbox process and its parent, over the IPC channel (JSON). */

/** Parent → sandbox process: run one task. */
export type RunMessage = {
  type: 'run';
  id: number;
  kind: string;
  input: unknown;
  /** The process kills itself this long after the task started, if the parent has not. */
  watchdogMs: number;
};

/** A thrown value, as far as JSON can carry it. */
export type ThrownValue = {
  name: string;
  message: string;
  code?: string;
  details?: Record<string, unknown>;
};

/** Sandbox process → parent. */
export type ChildMessage =
  | { type: 'ready' }
  /** `value` is absent when the task returned undefined. */
  | { type: 'result'; id: number; value?: unknown }
  | { type: 'error'; id: number; error: ThrownValue }
  | { type: 'result-too-large'; id: number; chars: number };

/** Environment variables the parent starts a sandbox process with. */
export const SANDBOX_ENV = {
  /** JSON: task kind → module URL. */
  tasks: 'PATCHBAY_SANDBOX_TASKS',
  maxResultChars: 'PATCHBAY_SANDBOX_MAX_RESULT_CHARS',
} as const;

export function toThrownValue(thrown: unknown): ThrownValue {
  if (typeof thrown !== 'object' || thrown === null) {
    return { name: 'Error', message: String(thrown) };
  }
  const { name, message, code, details } = thrown as Record<string, unknown>;
  return {
    name: typeof name === 'string' ? name : 'Error',
    message: typeof message === 'string' ? message : String(thrown),
    ...(typeof code === 'string' ? { code } : {}),
    ...(isRecord(details) ? { details: JSON.parse(JSON.stringify(details)) } : {}),
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
