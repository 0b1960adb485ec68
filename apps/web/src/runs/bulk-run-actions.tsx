/**
 * The run history's bulk actions on the selected runs: retry the failed ones (from the failed
 * step) and cancel the queued or running ones. Each call acts on up to 100 runs and answers per
 * run; the toast sums up what was done and quotes why the rest was refused.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/api-error.ts';
import type { RunSummary } from '../api/types.ts';
import { useTRPC, useTRPCClient } from '../trpc.ts';
import { RetryIcon, StopIcon } from '../ui/icons.tsx';
import { toast } from '../ui/toast-store.ts';
import {
  type BulkAction,
  type BulkResult,
  bulkSummary,
  cancelTargets,
  chunks,
  retryTargets,
} from './run-selection.ts';

export function BulkRunActions({
  selected,
  onDone,
}: {
  /** The selected runs among those loaded. */
  selected: readonly RunSummary[];
  /** Clears the selection after an action. */
  onDone(): void;
}) {
  const trpc = useTRPC();
  const client = useTRPCClient();
  const queryClient = useQueryClient();
  const toRetry = retryTargets(selected);
  const toCancel = cancelTargets(selected);

  const bulk = (
    action: BulkAction,
    call: (ids: string[]) => Promise<{ results: BulkResult[] }>,
  ) => ({
    // More than 100 selected: one call per 100, one after the other.
    mutationFn: async (ids: string[]) => {
      const results: BulkResult[] = [];
      for (const chunk of chunks(ids)) results.push(...(await call(chunk)).results);
      return results;
    },
    onSuccess: async (results: BulkResult[]) => {
      await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
      toast(bulkSummary(action, results));
      onDone();
    },
    onError: (error: unknown) => {
      // Earlier calls may have gone through: show what the server has now.
      void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
      toast({ tone: 'error', title: `Couldn't ${action} the runs`, detail: errorMessage(error) });
    },
  });
  const retry = useMutation(
    bulk('retry', (ids) => client.runs.retryMany.mutate({ ids, from: 'failed_step' })),
  );
  const cancel = useMutation(bulk('cancel', (ids) => client.runs.cancelMany.mutate({ ids })));
  const busy = retry.isPending || cancel.isPending;

  return (
    <div className="bulk-actions" data-testid="bulk-run-actions">
      <span className="small" data-testid="bulk-selected-count">
        {selected.length} selected
      </span>
      <button
        type="button"
        className="btn btn--secondary btn--sm"
        data-testid="bulk-retry"
        disabled={busy || toRetry.length === 0}
        title={toRetry.length === 0 ? 'No failed run is selected' : undefined}
        onClick={() => retry.mutate(toRetry)}
      >
        <RetryIcon size={14} />
        {retry.isPending ? 'Retrying…' : `Retry selected (${toRetry.length})`}
      </button>
      <button
        type="button"
        className="btn btn--secondary btn--sm"
        data-testid="bulk-cancel"
        disabled={busy || toCancel.length === 0}
        title={toCancel.length === 0 ? 'No queued or running run is selected' : undefined}
        onClick={() => cancel.mutate(toCancel)}
      >
        <StopIcon size={14} />
        {cancel.isPending ? 'Cancelling…' : `Cancel selected (${toCancel.length})`}
      </button>
      <button
        type="button"
        className="btn btn--ghost btn--sm"
        data-testid="bulk-clear"
        disabled={busy}
        onClick={onDone}
      >
        Clear selection
      </button>
    </div>
  );
}
