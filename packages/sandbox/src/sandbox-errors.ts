/** Why a sandboxed task did not produce a result. Each carries a stable `code`. */
import type { ThrownValue } from './sandbox-protocol.ts';

export class SandboxError extends Error {
  readonly code: string;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The task ran past its time limit; its process was killed. */
export class SandboxTimeoutError extends SandboxError {
  readonly timeoutMs: number;

  constructor(timeoutMs: number) {
    super('SANDBOX_TIMEOUT', `The sandboxed task did not finish within ${timeoutMs} ms`);
    this.timeoutMs = timeoutMs;
  }
}

/** The task's process ran out of its heap, or its result was larger than allowed. */
export class SandboxMemoryLimitError extends SandboxError {
  readonly bound: 'heap' | 'result';
  readonly limit: number;

  constructor(bound: 'heap' | 'result', limit: number) {
    super(
      'SANDBOX_MEMORY_LIMIT',
      bound === 'heap'
        ? `The sandboxed task used more than its ${limit} MB heap`
        : `The sandboxed task's result is larger than ${limit} characters of JSON`,
    );
    this.bound = bound;
    this.limit = limit;
  }
}

/** The task threw: its error, as the process reported it. */
export class SandboxTaskError extends SandboxError {
  readonly thrown: ThrownValue;

  constructor(thrown: ThrownValue) {
    super('SANDBOX_TASK_FAILED', thrown.message);
    this.thrown = thrown;
  }
}

/** The process stopped for another reason (it could not start, or was killed from outside). */
export class SandboxCrashedError extends SandboxError {
  constructor(message: string) {
    super('SANDBOX_CRASHED', message);
  }
}

export class SandboxClosedError extends SandboxError {
  constructor() {
    super('SANDBOX_CLOSED', 'The sandbox is closed (the process is shutting down)');
  }
}
