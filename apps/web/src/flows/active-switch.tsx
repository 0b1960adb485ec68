/**
 * The switch that turns a flow on (its webhook is served, its schedule ticks) or off, in the
 * flow list and the editor toolbar. Manual runs work either way, so the label says what changes.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { toast } from '../ui/toast-store.ts';

export function ActiveSwitch({
  flow,
  readOnly = false,
  showLabel = true,
}: {
  flow: { id: string; name: string; active: boolean };
  readOnly?: boolean;
  showLabel?: boolean;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const setActive = useMutation(
    trpc.flows.setActive.mutationOptions({
      onSuccess: async (summary) => {
        await Promise.all([
          queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() }),
          queryClient.invalidateQueries({ queryKey: trpc.flows.get.queryKey({ id: flow.id }) }),
        ]);
        toast({
          tone: 'success',
          title: summary.active ? `“${summary.name}” is on` : `“${summary.name}” is off`,
          detail: summary.active
            ? 'Its trigger now starts runs: webhooks are served and schedules tick.'
            : 'Its trigger no longer starts runs. You can still run it by hand.',
        });
      },
      onError: (error) =>
        toast({
          tone: 'error',
          title: `Couldn't switch “${flow.name}” ${flow.active ? 'off' : 'on'}`,
          detail: errorMessage(error),
        }),
    }),
  );
  // While the request is in flight, show where it is going.
  const on = setActive.isPending ? !flow.active : flow.active;
  const title = readOnly
    ? `${on ? 'On' : 'Off'}: your role cannot switch flows`
    : on
      ? 'On: its webhook or schedule starts runs. Click to switch off.'
      : 'Off: only manual runs. Click to switch on, so its webhook or schedule starts runs.';
  return (
    <span className={`active-switch${on ? ' is-on' : ''}`} title={title}>
      <button
        type="button"
        role="switch"
        aria-checked={on}
        aria-label={`${flow.name} is ${on ? 'on' : 'off'}`}
        className={`toggle${on ? ' is-on' : ''}`}
        disabled={readOnly || setActive.isPending}
        data-testid={`active-switch-${flow.id}`}
        onClick={() => setActive.mutate({ id: flow.id, active: !flow.active })}
      >
        <span className="toggle__thumb" />
      </button>
      {showLabel && (
        <span className="active-switch__label" data-testid={`active-state-${flow.id}`}>
          {on ? 'On' : 'Off'}
        </span>
      )}
    </span>
  );
}
