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
      onSuccess: async () => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        toast({ tone: 'success', title: `Deleted “${flow?.name ?? 'flow'}”` });
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
          <strong>{flow?.name}</strong> and all of its versions and run history will be deleted.
          This can't be undone.
        </>
      }
      confirmLabel="Delete flow"
      pendingLabel="Deleting…"
      confirmTestId="confirm-delete"
      pending={remove.isPending}
      error={remove.error}
      onConfirm={() => flow && remove.mutate({ id: flow.id })}
    />
  );
}
