/**
 * The run history's selection for bulk actions: which loaded runs are ticked, what each bulk action
 * would act on, and the summary of its per-run results. Pure, so the page only wires it up.
 */
import type { RunSummary } from '../api/types.ts';
import { isActiveRun } from '../ui/status-badge.tsx';

/** The most runs one runs.retryMany / runs.cancelMany call takes (the server's limit). */
export const MAX_BULK_RUNS = 100;

export type SelectionState = 'none' | 'some' | 'all';

/** How many of `runs` are selected, as a checkbox shows it (indeterminate for some). */
export function selectionStateOf(
  selected: ReadonlySet<string>,
  runs: readonly RunSummary[],
): SelectionState {
  const count = runs.filter((run) => selected.has(run.id)).length;
  if (count === 0) return 'none';
  return count === runs.length ? 'all' : 'some';
}

/** Ticking a row, a group or the whole page: all of them selected, unless all already were. */
export function toggleRuns(
  selected: ReadonlySet<string>,
  runs: readonly RunSummary[],
): Set<string> {
  const next = new Set(selected);
  if (selectionStateOf(selected, runs) === 'all') for (const run of runs) next.delete(run.id);
  else for (const run of runs) next.add(run.id);
  return next;
}

/** The selected runs among those loaded, in history order (a selection may outlive a refresh). */
export function selectedRuns(
  selected: ReadonlySet<string>,
  runs: readonly RunSummary[],
): RunSummary[] {
  return runs.filter((run) => selected.has(run.id));
}

/** "Retry selected" retries the failed runs, from the failed step. */
export function retryTargets(runs: readonly RunSummary[]): string[] {
  return runs.filter((run) => run.status === 'failed').map((run) => run.id);
}

/** "Cancel selected" cancels the queued and running runs. */
export function cancelTargets(runs: readonly RunSummary[]): string[] {
  return runs.filter((run) => isActiveRun(run.status)).map((run) => run.id);
}

/** Splits ids into calls of at most MAX_BULK_RUNS. */
export function chunks(ids: readonly string[], size = MAX_BULK_RUNS): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}

export type BulkResult = { id: string; ok: true } | { id: string; ok: false; message: string };

const VERBS = {
  retry: { done: 'Retried', infinitive: 'retried' },
  cancel: { done: 'Cancelled', infinitive: 'cancelled' },
} as const;
export type BulkAction = keyof typeof VERBS;
/** Refusals quoted in the toast; the rest are counted. */
const QUOTED_REFUSALS = 3;

function runs(n: number): string {
  return `${n} ${n === 1 ? 'run' : 'runs'}`;
}

/** The toast after a bulk action: "Retried 18 runs; 2 could not be retried: …". */
export function bulkSummary(
  action: BulkAction,
  results: readonly BulkResult[],
): { tone: 'success' | 'warning' | 'error'; title: string; detail?: string } {
  const verb = VERBS[action];
  const done = results.filter((result) => result.ok).length;
  const refusals = results.flatMap((result) => (result.ok ? [] : [result.message]));
  if (refusals.length === 0) return { tone: 'success', title: `${verb.done} ${runs(done)}` };
  const more = refusals.length - QUOTED_REFUSALS;
  const detail =
    refusals.slice(0, QUOTED_REFUSALS).join(' ') + (more > 0 ? ` (and ${more} more)` : '');
  if (done === 0) {
    return {
      tone: 'error',
      title:
        refusals.length === 1
          ? `The run could not be ${verb.infinitive}`
          : `None of the ${refusals.length} runs could be ${verb.infinitive}`,
      detail,
    };
  }
  return {
    tone: 'warning',
    title: `${verb.done} ${runs(done)}; ${refusals.length} could not be ${verb.infinitive}`,
    detail,
  };
}
