/**
 * What can be done with a run from its page: retry a failed or cancelled run (from the failed
 * step, reusing earlier outputs, or from the start), cancel a live one, or run a finished one again.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import type { RunDetail } from '../api/types.ts';
import { useCan } from '../auth/session.ts';
import { useTRPC } from '../trpc.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { PlayIcon, RetryIcon, StopIcon } from '../ui/icons.tsx';
import { isActiveRun } from '../ui/status-badge.tsx';
import { toast } from '../ui/toast-store.ts';

function CancelRunDialog({
  run,
  open,
  onClose,
}: {
  run: RunDetail;
  open: boolean;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(
    trpc.runs.cancel.mutationOptions({
      onSuccess: async (result) => {
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        toast(
          result.status === 'cancelled'
            ? { tone: 'success', title: 'Run cancelled' }
            : {
                tone: 'info',
                title: 'Cancelling run…',
                detail: 'The worker running it stops at once and records the cancellation.',
              },
        );
        onClose();
      },
    }),
  );
  const close = () => {
    cancel.reset();
    onClose();
  };
  return (
    <ConfirmDialog
      open={open}
      onClose={close}
      title="Cancel this run?"
      testId="cancel-run-dialog"
      description={
        <>
          Run of <strong>{run.flowName}</strong>, {run.status === 'queued' ? 'queued' : 'running'}.
        </>
      }
      dismissLabel="Keep running"
      confirmLabel="Cancel run"
      pendingLabel="Cancelling…"
      confirmTestId="confirm-cancel-run"
      pending={cancel.isPending}
      error={cancel.error}
      onConfirm={() => cancel.mutate({ id: run.id })}
    >
      <p className="dialog__text">
        Running steps are stopped and waiting steps never start. Steps that already finished keep
        their results, and you can retry the run afterwards.
      </p>
    </ConfirmDialog>
  );
}

export function RunActions({ run }: { run: RunDetail }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [confirmingCancel, setConfirmingCancel] = useState(false);
  const canAct = useCan('editor');
  const openRun = ({ runId }: { runId: string }) => {
    void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
    navigate(`/runs/${runId}`);
  };
  const retry = useMutation(
    trpc.runs.retry.mutationOptions({
      onSuccess: openRun,
      onError: (error) =>
        toast({ tone: 'error', title: "Couldn't retry the run", detail: errorMessage(error) }),
    }),
  );
  const rerun = useMutation(
    trpc.flows.run.mutationOptions({
      onSuccess: openRun,
      onError: (error) =>
        toast({ tone: 'error', title: "Couldn't start a run", detail: errorMessage(error) }),
    }),
  );

  if (!canAct) return null;
  if (isActiveRun(run.status)) {
    const cancelling = run.cancelRequestedAt !== null;
    return (
      <>
        <button
          type="button"
          className="btn btn--secondary btn--sm btn--danger-text"
          disabled={cancelling}
          data-testid="cancel-run"
          onClick={() => setConfirmingCancel(true)}
        >
          <StopIcon size={12} /> {cancelling ? 'Cancelling…' : 'Cancel run'}
        </button>
        <CancelRunDialog
          run={run}
          open={confirmingCancel}
          onClose={() => setConfirmingCancel(false)}
        />
      </>
    );
  }

  if (run.status === 'failed' || run.status === 'cancelled') {
    const pending = retry.isPending;
    return (
      <>
        <button
          type="button"
          className="btn btn--secondary btn--sm"
          disabled={pending}
          data-testid="rerun-from-start"
          title="A new run with the same input, on the flow's latest version"
          onClick={() => retry.mutate({ id: run.id, from: 'start' })}
        >
          <PlayIcon size={12} /> Re-run from start
        </button>
        <button
          type="button"
          className="btn btn--primary btn--sm"
          disabled={pending}
          data-testid="retry-from-failed-step"
          title="A new run on the same flow version that reuses the outputs of the steps that succeeded"
          onClick={() => retry.mutate({ id: run.id, from: 'failed_step' })}
        >
          <RetryIcon size={13} /> Retry from failed step
        </button>
      </>
    );
  }

  return (
    <button
      type="button"
      className="btn btn--primary btn--sm"
      disabled={rerun.isPending}
      data-testid="rerun-flow"
      onClick={() => rerun.mutate({ id: run.flowId })}
    >
      <PlayIcon size={13} /> Run again
    </button>
  );
}
