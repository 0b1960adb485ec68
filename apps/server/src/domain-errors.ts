/** Errors the server's domain services throw; the tRPC edge maps each to a precise error code. */
import { type FlowValidationError, PatchbayError, type ValidationIssue } from '@patchbay/engine';

export class NotFoundError extends PatchbayError {
  constructor(entity: 'Flow' | 'Run', id: string) {
    super('NOT_FOUND', `${entity} "${id}" was not found. It may have been deleted.`, {
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
