import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FlowSummary } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { toast } from '../ui/toast-store.ts';

/** Asks before removing a deleted flow's versions and run history for good (admins). */
export function PurgeFlowDialog({
  flow,
  onClose,
}: {
  flow: FlowSummary | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const purge = useMutation(
    trpc.flows.purge.mutationOptions({
      onSuccess: async ({ purgedRuns }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        toast({
          tone: 'success',
          title: `Purged “${flow?.name ?? 'flow'}”`,
          detail: `${purgedRuns} run${purgedRuns === 1 ? '' : 's'} removed.`,
        });
        onClose();
      },
    }),
  );
  const close = () => {
    purge.reset();
    onClose();
  };

  return (
    <ConfirmDialog
      open={flow !== null}
      onClose={close}
      title="Purge flow?"
      testId="purge-flow-dialog"
      description={
        <>
          <strong>{flow?.name}</strong>, its versions and all of its runs with their steps will be
          removed for good. This can't be undone.
        </>
      }
      confirmLabel="Purge flow"
      pendingLabel="Purging…"
      confirmTestId="confirm-purge"
      pending={purge.isPending}
      error={purge.error}
      onConfirm={() => flow && purge.mutate({ id: flow.id })}
    />
  );
}
