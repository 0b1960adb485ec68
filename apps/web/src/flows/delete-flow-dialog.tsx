import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/api-error.ts';
import type { FlowSummary } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { Dialog } from '../ui/dialog.tsx';
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
    <Dialog
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
      footer={
        <>
          <button type="button" className="btn btn--ghost" onClick={close}>
            Cancel
          </button>
          <button
            type="button"
            className="btn btn--danger"
            disabled={remove.isPending}
            data-testid="confirm-delete"
            onClick={() => flow && remove.mutate({ id: flow.id })}
          >
            {remove.isPending ? 'Deleting…' : 'Delete flow'}
          </button>
        </>
      }
    >
      {remove.isError && <p className="form-error">{errorMessage(remove.error)}</p>}
    </Dialog>
  );
}
