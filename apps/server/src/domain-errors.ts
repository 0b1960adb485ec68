/** Errors the server's domain services throw; the tRPC edge maps each to a precise error code. */
import { type FlowValidationError, PatchbayError, type ValidationIssue } from '@patchbay/engine';

export class NotFoundError extends PatchbayError {
  constructor(
    entity: 'Flow' | 'Run' | 'Circuit breaker' | 'Rate limit',
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
