/**
 * Acting on many runs at once (runs.retryMany, runs.cancelMany): one result per run, in the order
 * asked, where a refusal says why and names the run. Partial success is the normal case.
 */
import { PatchbayError } from '@patchbay/engine';

/** The most runs one bulk call acts on (a page of run history). */
export const MAX_BULK_RUNS = 100;
/** Runs acted on at the same time: each holds a pooled connection for its transaction. */
const BULK_CONCURRENCY = 4;

export type BulkRunRefusal = { id: string; ok: false; code: string; message: string };
export type BulkRunResult<T extends object = { runId?: string }> =
  | ({ id: string; ok: true } & T)
  | BulkRunRefusal;

/** A domain error as the refusal of one run; the message names the run. */
export function refusalOf(id: string, error: PatchbayError): BulkRunRefusal {
  const message = error.message.includes(id) ? error.message : `Run "${id}": ${error.message}`;
  return { id, ok: false, code: error.code, message };
}

/**
 * Runs `act` for each id, BULK_CONCURRENCY at a time. A domain error (PatchbayError) is that run's
 * refusal. Any other error (a bug, the database gone) starts no further run and is thrown once
 * those in flight have settled, so the caller reports it as any failed request.
 */
export async function settleEach<T extends object>(
  ids: readonly string[],
  act: (id: string) => Promise<T>,
): Promise<BulkRunResult<T>[]> {
  const results: BulkRunResult<T>[] = new Array(ids.length);
  let next = 0;
  let unexpected: { error: unknown } | undefined;
  const lane = async () => {
    while (next < ids.length && !unexpected) {
      const index = next++;
      const id = ids[index] as string;
      try {
        results[index] = { id, ok: true, ...(await act(id)) };
      } catch (error) {
        if (error instanceof PatchbayError) results[index] = refusalOf(id, error);
        else unexpected ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(BULK_CONCURRENCY, ids.length) }, lane));
  if (unexpected) throw unexpected.error;
  return results;
}
