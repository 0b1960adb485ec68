/** The flow table's name cell, which turns into an input for inline rename. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import type { FlowSummary } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { toast } from '../ui/toast-store.ts';

export function FlowNameCell({
  flow,
  editing,
  onDone,
}: {
  flow: FlowSummary;
  editing: boolean;
  onDone: () => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [draft, setDraft] = useState(flow.name);
  const rename = useMutation(
    trpc.flows.update.mutationOptions({
      onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.flows.pathKey() }),
      onError: (error) =>
        toast({ tone: 'error', title: "Couldn't rename the flow", detail: errorMessage(error) }),
    }),
  );

  if (editing) {
    const commit = () => {
      const name = draft.trim();
      if (name && name !== flow.name) rename.mutate({ id: flow.id, name });
      onDone();
    };
    return (
      <input
        className="input input--sm rename-input"
        // biome-ignore lint/a11y/noAutofocus: rename was just requested
        autoFocus
        value={draft}
        maxLength={200}
        aria-label="Flow name"
        data-testid="rename-input"
        onChange={(e) => setDraft(e.target.value)}
        onBlur={commit}
        onKeyDown={(e) => {
          if (e.key === 'Enter') commit();
          if (e.key === 'Escape') {
            setDraft(flow.name);
            onDone();
          }
        }}
        onFocus={(e) => e.target.select()}
      />
    );
  }

  const shownName = rename.isPending ? rename.variables.name : flow.name;
  return (
    <div className="flow-name">
      <Link
        href={`/flows/${flow.id}`}
        className="flow-name__link"
        data-testid={`flow-link-${flow.id}`}
      >
        {shownName}
      </Link>
      {flow.description && <div className="flow-name__description">{flow.description}</div>}
    </div>
  );
}
