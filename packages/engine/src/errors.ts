/** Typed domain errors. Each carries a stable code; retry-relevant ones say whether to retry. */
import type { StepWaitReason } from './step-event.ts';

export type SerializedError = {
  code: string;
  message: string;
  nodeId?: string;
  retryable?: boolean;
  /** Set when the error itself rules out another attempt, whatever the retry policy says. */
  nonRetryable?: boolean;
  details?: Record<string, unknown>;
};

/**
 * How an error says whether to retry (Temporal's ApplicationFailure is the model): `retryable`
 * marks a transient failure (retried under the default `retryOn: transient`), `nonRetryable` one
 * no attempt can fix (never retried, even under `retryOn: any`); neither means "retried only under
 * `any`". `retryAfterMs` is the earliest useful retry, `waitReason` what a wait for it is shown
 * as: a connector sets `throttled` when the upstream asked callers to slow down (HTTP 429).
 */
export type ErrorOptions = {
  retryable?: boolean;
  nonRetryable?: boolean;
  retryAfterMs?: number;
  waitReason?: StepWaitReason;
  details?: Record<string, unknown>;
  cause?: unknown;
};

export class PatchbayError extends Error {
  readonly code: string;
  readonly retryable: boolean;
  readonly nonRetryable: boolean;
  readonly retryAfterMs: number | undefined;
  readonly waitReason: StepWaitReason | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, options: ErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.nonRetryable = options.nonRetryable ?? false;
    this.retryable = !this.nonRetryable && (options.retryable ?? false);
    this.retryAfterMs = options.retryAfterMs;
    this.waitReason = options.waitReason;
    this.details = options.details;
  }

  toJSON(): SerializedError {
    return {
      code: this.code,
      message: this.message,
      retryable: this.retryable,
      ...(this.nonRetryable ? { nonRetryable: true } : {}),
      ...(this.details === undefined ? {} : { details: this.details }),
    };
  }
}

/** One problem found in a flow document: which node or edge, which field, what is wrong. */
export type ValidationIssue = {
  code:
    | 'document.invalid'
    | 'node.duplicate_id'
    | 'node.unknown_type'
    | 'node.invalid_config'
    | 'node.invalid_policy'
    | 'edge.duplicate_id'
    | 'edge.dangling'
    | 'edge.unknown_handle'
    | 'edge.into_trigger'
    | 'graph.cycle'
    | 'graph.no_trigger'
    | 'graph.multiple_triggers';
  message: string;
  nodeId?: string;
  edgeId?: string;
  /**
   * Path of the offending field: from the document root for `document.invalid`, inside the
   * node's config for `node.invalid_config`, inside the node's policy for `node.invalid_policy`,
   * otherwise inside the node or edge named.
   */
  path: (string | number)[];
};

export class FlowValidationError extends PatchbayError {
  readonly issues: ValidationIssue[];
  readonly flowName: string;

  constructor(flowName: string, issues: ValidationIssue[]) {
    // Issue messages already name the node and field, so the summary repeats only the first.
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem(s))` : '';
    super(
      'FLOW_INVALID',
      `Flow "${flowName}" is invalid: ${issues[0]?.message ?? 'unknown problem'}${more}`,
      { details: { issues } },
    );
    this.issues = issues;
    this.flowName = flowName;
  }
}

/** A node failed while running. Wraps the cause with the node id. */
export class NodeExecutionError extends PatchbayError {
  readonly nodeId: string;
  constructor(nodeId: string, code: string, message: string, options: ErrorOptions = {}) {
    super(code, message, options);
    this.nodeId = nodeId;
  }

  override toJSON(): SerializedError {
    return { ...super.toJSON(), nodeId: this.nodeId };
  }
}

/** Unknown thrown values become NODE_FAILED; domain errors keep their code and retry hints. */
export function toNodeError(nodeId: string, thrown: unknown): NodeExecutionError {
  if (thrown instanceof NodeExecutionError) return thrown;
  if (thrown instanceof PatchbayError) {
    return new NodeExecutionError(nodeId, thrown.code, thrown.message, {
      retryable: thrown.retryable,
      nonRetryable: thrown.nonRetryable,
      ...(thrown.retryAfterMs === undefined ? {} : { retryAfterMs: thrown.retryAfterMs }),
      ...(thrown.waitReason === undefined ? {} : { waitReason: thrown.waitReason }),
      ...(thrown.details === undefined ? {} : { details: thrown.details }),
      cause: thrown,
    });
  }
  const message = thrown instanceof Error ? thrown.message : String(thrown);
  return new NodeExecutionError(nodeId, 'NODE_FAILED', `Node "${nodeId}" failed: ${message}`, {
    cause: thrown,
  });
}
