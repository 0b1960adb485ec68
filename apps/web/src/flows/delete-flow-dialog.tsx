import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { FlowSummary } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { toast } from '../ui/toast-store.ts';

export function DeleteFlowDialog({
  flow,
  onClose,
}: {
  flow: FlowSummary | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const remove = useMutation(
    trpc.flows.delete.mutationOptions({
      onSuccess: async ({ cancelledRuns }) => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        await queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        toast({
          tone: 'success',
          title: `Deleted “${flow?.name ?? 'flow'}”`,
          ...(cancelledRuns > 0
            ? {
                detail: `${cancelledRuns} run${cancelledRuns === 1 ? ' that was' : 's that were'} still going ${cancelledRuns === 1 ? 'was' : 'were'} cancelled.`,
              }
            : {}),
        });
        onClose();
      },
    }),
  );
  const close = () => {
    remove.reset();
    onClose();
  };

  return (
    <ConfirmDialog
      open={flow !== null}
      onClose={close}
      title="Delete flow?"
      testId="delete-flow-dialog"
      description={
        <>
          <strong>{flow?.name}</strong> leaves your flows and can no longer run. Runs of it that are
          still queued or running are cancelled.
        </>
      }
      confirmLabel="Delete flow"
      pendingLabel="Deleting…"
      confirmTestId="confirm-delete"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => flow && remove.mutate({ id: flow.id })}
    >
      <p className="dialog__text" data-testid="delete-flow-history-kept">
        Its run history is kept: you can still open its runs, and an admin can purge them under
        Deleted flows.
      </p>
    </ConfirmDialog>
  );
}
