/** Errors the server's domain services throw; the tRPC edge maps each to a precise error code. */
import { type FlowValidationError, PatchbayError, type ValidationIssue } from '@patchbay/engine';

export class NotFoundError extends PatchbayError {
  constructor(
    entity:
      | 'Flow'
      | 'Flow version'
      | 'Run'
      | 'Circuit breaker'
      | 'Rate limit'
      | 'User'
      | 'API token'
      | 'Credential',
    id: string,
    hint = 'It may have been deleted.',
  ) {
    super('NOT_FOUND', `${entity} "${id}" was not found. ${hint}`, {
      details: { entity, id },
    });
  }
}

/** The caller sent something well-formed but unacceptable (too large, bad cursor, ...). */
export class InvalidRequestError extends PatchbayError {}

/**
 * A field of the request cannot be accepted as sent (nested too deep, a NUL character, an
 * unpaired surrogate). `field` names it as a path from the input: `input.document.name`.
 */
export class InvalidInputError extends InvalidRequestError {
  readonly field: string;

  constructor(field: string, message: string, problem: string) {
    super('INVALID_INPUT', message, { details: { field, problem } });
    this.field = field;
  }
}

/** Two writers raced for the same row (e.g. two saves creating the same flow version). */
export class ConflictError extends PatchbayError {}

/** A run was requested for a flow whose latest version does not validate (any more). */
export class FlowNotRunnableError extends PatchbayError {
  readonly issues: ValidationIssue[];

  constructor(validation: FlowValidationError) {
    super(
      'FLOW_NOT_RUNNABLE',
      `${validation.message}. It cannot run until a valid version is saved.`,
      { details: { issues: validation.issues }, cause: validation },
    );
    this.issues = validation.issues;
  }
}

/** The run's status does not allow the request (cancelling a finished run, retrying a good one). */
export class RunStateError extends PatchbayError {}

/** The flow's state does not allow the request (purging a flow that is not deleted). */
export class FlowStateError extends PatchbayError {}

/** A run was requested for a deleted flow, whose history is kept but which cannot run. */
export class FlowDeletedError extends FlowStateError {
  constructor(flowName: string, flowId: string) {
    super(
      'FLOW_DELETED',
      `Flow "${flowName}" was deleted, so it cannot run. Its run history is kept until an admin purges it.`,
      { details: { flowId } },
    );
  }
}

/**
 * A trigger (webhook, schedule) tried to start a run of a flow that is switched off, or was
 * switched off meanwhile. Manual runs are never refused for this.
 */
export class FlowInactiveError extends FlowStateError {
  constructor(flowName: string, flowId: string) {
    super(
      'FLOW_INACTIVE',
      `Flow "${flowName}" is switched off, so its trigger cannot start runs. Switch it on to accept webhooks and schedule ticks.`,
      { details: { flowId } },
    );
  }
}

/** No valid session or API token came with the request. */
export class UnauthenticatedError extends PatchbayError {
  constructor(message = 'Sign in to continue: this request has no valid session or API token.') {
    super('UNAUTHENTICATED', message);
  }
}

/** The caller is signed in, but their role does not allow the request. */
export class ForbiddenError extends PatchbayError {}

/** Too many attempts (failed sign-ins): try again after `retryAfterMs`. */
export class TooManyAttemptsError extends PatchbayError {}

/**
 * Patchbay sheds load: the run queue is past its limit (`scope: 'server'`, HTTP 503) or the
 * flow's own cap (`scope: 'flow'`, HTTP 429). Nothing was recorded; retry after the given time.
 */
export class OverloadedError extends PatchbayError {
  readonly scope: 'server' | 'flow';
  readonly retryAfterSeconds: number;

  constructor(
    scope: 'server' | 'flow',
    message: string,
    retryAfterSeconds: number,
    details: Record<string, unknown>,
  ) {
    super(scope === 'flow' ? 'FLOW_QUEUE_FULL' : 'OVERLOADED', message, {
      retryable: true,
      retryAfterMs: retryAfterSeconds * 1000,
      details: { ...details, retryAfterSeconds },
    });
    this.scope = scope;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}
