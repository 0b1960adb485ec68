/** Public API of @patchbay/sandbox: a pool of processes that run untrusted work under limits. */
export { EventLoopTurns } from './event-loop-turns.ts';
export {
  DEFAULT_SANDBOX_MAX_RESULT_CHARS,
  DEFAULT_SANDBOX_MEMORY_MB,
  DEFAULT_SANDBOX_PROCESSES,
  Sandbox,
  type SandboxOptions,
  type SandboxRunOptions,
  type SandboxStats,
} from './sandbox.ts';
export {
  SandboxClosedError,
  SandboxCrashedError,
  SandboxError,
  SandboxMemoryLimitError,
  SandboxTaskError,
  SandboxTimeoutError,
} from './sandbox-errors.ts';
export {
  createSandboxedExpressionEvaluator,
  JSONATA_TASK,
  type SandboxedExpressionEvaluator,
  type SandboxedExpressionOptions,
  type SandboxedExpressionStats,
} from './sandboxed-expressions.ts';
