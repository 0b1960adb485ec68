/**
 * The HTTP connector's own retry fields: status lists that override whether an answer is
 * transient. Only http.request nodes accept them in `policy.retry`; the engine knows no status.
 */
import { defineRetryOptions } from '@patchbay/engine';
import { z } from 'zod';

const httpStatus = z
  .number({ error: 'HTTP status must be a number' })
  .int('HTTP status must be a whole number')
  .min(100, 'HTTP status must be between 100 and 599')
  .max(599, 'HTTP status must be between 100 and 599');

export const httpRetryOptions = defineRetryOptions({
  fields: {
    retryHttpStatuses: z
      .array(httpStatus)
      .max(50)
      .describe('HTTP statuses retried although not transient, e.g. [409].'),
    noRetryHttpStatuses: z
      .array(httpStatus)
      .max(50)
      .describe('HTTP statuses never retried although transient, e.g. [501].'),
  },
  defaults: { retryHttpStatuses: [], noRetryHttpStatuses: [] },
  /** For an HTTP_STATUS answer: `noRetryHttpStatuses`, then `retryHttpStatuses`, decide. */
  classify(error, retry) {
    const status = error.code === 'HTTP_STATUS' ? error.details?.status : undefined;
    if (typeof status !== 'number') return undefined;
    if (retry.noRetryHttpStatuses.includes(status)) return false;
    if (retry.retryHttpStatuses.includes(status)) return true;
    return undefined;
  },
});
