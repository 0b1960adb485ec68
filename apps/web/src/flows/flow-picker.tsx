/**
 * Picks another flow for a field whose `x-ui` widget is `flow` (a flow's error flow): a select of
 * the flows, without the flow being edited (CurrentFlowContext). The value is the flow id; a value
 * naming a flow that is gone stays shown as missing, so it can be cleared.
 */
import { useQuery } from '@tanstack/react-query';
import { createContext, useContext } from 'react';
import { useTRPC } from '../trpc.ts';

/** The flow whose form this is: not offered as a choice. */
export const CurrentFlowContext = createContext<string | null>(null);

export function FlowPicker({
  id,
  value,
  onChange,
  invalid = false,
  testId = 'flow-picker',
}: {
  id?: string;
  /** The selected flow id (undefined: none). */
  value: string | undefined;
  onChange: (flowId: string | undefined) => void;
  invalid?: boolean;
  testId?: string;
}) {
  const trpc = useTRPC();
  const currentFlowId = useContext(CurrentFlowContext);
  const flows = useQuery(trpc.flows.list.queryOptions());
  const offered = (flows.data ?? []).filter((flow) => flow.id !== currentFlowId);
  const unlisted = value !== undefined && !offered.some((flow) => flow.id === value);

  return (
    <select
      id={id}
      className={`input select nodrag${invalid ? ' is-invalid' : ''}`}
      value={value ?? ''}
      data-testid={testId}
      data-widget="flow"
      onChange={(e) => onChange(e.target.value || undefined)}
    >
      <option value="">{flows.isPending ? 'Loading…' : 'None'}</option>
      {unlisted && (
        <option value={value}>
          {flows.isSuccess ? `Missing or deleted flow (${value})` : 'Loading…'}
        </option>
      )}
      {offered.map((flow) => (
        <option key={flow.id} value={flow.id}>
          {flow.name}
        </option>
      ))}
    </select>
  );
}
