/** A setting in the environment is invalid: the process stops at start-up with this message. */
import { PatchbayError } from '@patchbay/engine/errors';

export class ConfigurationError extends PatchbayError {
  constructor(message: string) {
    super('INVALID_CONFIGURATION', message);
  }
}
