/** "New flow" dialog: name and optional description, then straight into the editor. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useLocation } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { Dialog } from '../ui/dialog.tsx';

export function CreateFlowDialog({ open, onClose }: { open: boolean; onClose: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [name, setName] = useState('');
  const [description, setDescription] = useState('');
  const create = useMutation(
    trpc.flows.create.mutationOptions({
      onSuccess: async (flow) => {
        await queryClient.invalidateQueries({ queryKey: trpc.flows.list.queryKey() });
        navigate(`/flows/${flow.id}`);
      },
    }),
  );

  const close = () => {
    setName('');
    setDescription('');
    create.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate({
      name: name.trim(),
      ...(description.trim() ? { description: description.trim() } : {}),
    });
  };

  return (
    <Dialog
      open={open}
      onClose={close}
      title="New flow"
      description="Starts with a manual trigger. You can wire up the rest in the editor."
      testId="create-flow-dialog"
    >
      <form className="form-fields" onSubmit={submit}>
        <div className="field">
          <label className="field__label" htmlFor="new-flow-name">
            Name
          </label>
          <input
            id="new-flow-name"
            className="input"
            data-autofocus
            maxLength={200}
            value={name}
            placeholder="e.g. Sync Stripe customers"
            data-testid="create-flow-name"
            onChange={(e) => setName(e.target.value)}
          />
        </div>
        <div className="field">
          <label className="field__label" htmlFor="new-flow-description">
            Description <span className="muted">(optional)</span>
          </label>
          <textarea
            id="new-flow-description"
            className="input textarea"
            rows={3}
            maxLength={2000}
            value={description}
            placeholder="What does this flow do?"
            data-testid="create-flow-description"
            onChange={(e) => setDescription(e.target.value)}
          />
        </div>
        {create.isError && <p className="form-error">{errorMessage(create.error)}</p>}
        <div className="dialog__actions">
          <button type="button" className="btn btn--ghost" onClick={close}>
            Cancel
          </button>
          <button
            type="submit"
            className="btn btn--primary"
            disabled={!name.trim() || create.isPending}
            data-testid="create-flow-submit"
          >
            {create.isPending ? 'Creating…' : 'Create flow'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
