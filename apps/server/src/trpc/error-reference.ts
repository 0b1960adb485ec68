/**
 * A short reference for an unexpected error: the client is told only this, the log has the error
 * with the same reference, so a report can be matched to its cause.
 */
import { randomBytes } from 'node:crypto';

const references = new WeakMap<object, string>();

/** The same reference every time for the same error object. */
export function errorReference(error: object): string {
  let reference = references.get(error);
  if (!reference) {
    reference = randomBytes(5).toString('hex');
    references.set(error, reference);
  }
  return reference;
}

export function internalErrorMessage(reference: string): string {
  return `Something went wrong on the server (reference ${reference}). Try again; if it keeps happening, give this reference to your administrator.`;
}
