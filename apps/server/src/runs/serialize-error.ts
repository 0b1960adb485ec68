/** Turns anything thrown into the SerializedError shape stored on runs and steps. */
import { PatchbayError, type SerializedError } from '@patchbay/engine';

export function serializeError(error: unknown): SerializedError {
  if (error instanceof PatchbayError) return error.toJSON();
  if (error instanceof Error) {
    return { code: 'INTERNAL_ERROR', message: error.message || error.name, retryable: false };
  }
  return { code: 'INTERNAL_ERROR', message: String(error), retryable: false };
}
