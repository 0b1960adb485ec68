/** Confirms a manual breaker reset, which lets calls through to the upstream again at once. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useTRPC } from '../trpc.ts';
import { ConfirmDialog } from '../ui/confirm-dialog.tsx';
import { toast } from '../ui/toast-store.ts';

export function ResetBreakerDialog({
  target,
  onClose,
}: {
  target: string | null;
  onClose: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const reset = useMutation(
    trpc.breakers.reset.mutationOptions({
      onSuccess: async (detail) => {
        queryClient.setQueryData(trpc.breakers.get.queryKey({ target: detail.target }), detail);
        await queryClient.invalidateQueries({ queryKey: trpc.breakers.pathKey() });
        toast({
          tone: 'success',
          title: 'Breaker reset',
          detail: `${detail.target} is closed; calls go through again.`,
        });
        onClose();
      },
    }),
  );
  const close = () => {
    reset.reset();
    onClose();
  };

  return (
    <ConfirmDialog
      open={target !== null}
      onClose={close}
      title="Reset circuit breaker?"
      testId="reset-breaker-dialog"
      description={
        <>
          The breaker for <code>{target}</code> closes now, with fresh counters.
        </>
      }
      confirmLabel="Reset breaker"
      pendingLabel="Resetting…"
      confirmTestId="confirm-reset-breaker"
      pending={reset.isPending}
      error={reset.error}
      onConfirm={() => target && reset.mutate({ target })}
    >
      <p className="dialog__text">
        Every worker starts calling the upstream again at once. If it is still failing, the breaker
        opens again as soon as its policy says so.
      </p>
    </ConfirmDialog>
  );
}
