/**
 * Create or edit a credential: a type select (create only) and a form generated from the type's
 * JSON Schema. Secret fields are password inputs and write-only: on edit they say whether a
 * value is stored and stay empty unless replaced.
 */
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { Dialog } from '../ui/dialog.tsx';
import {
  type CredentialField,
  type CredentialView,
  credentialData,
  credentialFields,
} from './credential-fields.ts';

export function CredentialFormDialog({
  open,
  onClose,
  credential,
  acceptedTypes,
  onSaved,
}: {
  open: boolean;
  onClose: () => void;
  /** Edit this credential; omitted: create one. */
  credential?: CredentialView | undefined;
  /** Offer only these types (the picker's node accepts them). */
  acceptedTypes?: readonly string[] | undefined;
  onSaved?: (saved: CredentialView) => void;
}) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const types = useQuery({ ...trpc.credentials.types.queryOptions(), enabled: open });
  const detail = useQuery({
    ...trpc.credentials.get.queryOptions({ id: credential?.id ?? '' }),
    enabled: open && credential !== undefined,
  });
  const offered = useMemo(
    () =>
      (types.data ?? []).filter(
        (descriptor) => !acceptedTypes || acceptedTypes.includes(descriptor.type),
      ),
    [types.data, acceptedTypes],
  );
  const [type, setType] = useState('');
  const [name, setName] = useState('');
  const [values, setValues] = useState<Record<string, string>>({});
  const chosenType = credential?.type ?? (type || offered[0]?.type || '');
  const descriptor = (types.data ?? []).find((entry) => entry.type === chosenType);
  const fields = useMemo(() => (descriptor ? credentialFields(descriptor) : []), [descriptor]);

  // Edit: start from the stored name and non-secret values, once they have loaded.
  const loaded = credential === undefined || detail.isSuccess;
  const initialised = useRef<string | null>(null);
  useEffect(() => {
    if (!open) {
      initialised.current = null;
      return;
    }
    const key = credential?.id ?? 'new';
    if (!loaded || initialised.current === key) return;
    initialised.current = key;
    setName(credential?.name ?? '');
    const stored = detail.data?.values ?? {};
    setValues(
      Object.fromEntries(
        Object.entries(stored).map(([field, value]) => [field, value == null ? '' : String(value)]),
      ),
    );
  }, [open, credential, loaded, detail.data]);

  const invalidate = () =>
    queryClient.invalidateQueries({ queryKey: trpc.credentials.list.queryKey() });
  const create = useMutation(trpc.credentials.create.mutationOptions({ onSuccess: invalidate }));
  const update = useMutation(trpc.credentials.update.mutationOptions({ onSuccess: invalidate }));
  const saving = create.isPending || update.isPending;
  const error = create.error ?? update.error;

  const close = () => {
    setType('');
    setName('');
    setValues({});
    create.reset();
    update.reset();
    onClose();
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const onSuccess = (saved: CredentialView) => {
      onSaved?.(saved);
      close();
    };
    if (credential) {
      update.mutate(
        {
          id: credential.id,
          name: name.trim(),
          data: credentialData(fields, values, 'edit'),
        },
        { onSuccess },
      );
    } else {
      create.mutate(
        { name: name.trim(), type: chosenType, data: credentialData(fields, values, 'create') },
        { onSuccess },
      );
    }
  };

  const basic = fields.filter((field) => !field.advanced);
  const advanced = fields.filter((field) => field.advanced);
  const field = (entry: CredentialField) => (
    <CredentialFieldInput
      key={`${chosenType}.${entry.name}`}
      field={entry}
      value={values[entry.name] ?? ''}
      stored={credential ? credential.secrets[entry.name] === true : undefined}
      onChange={(value) => setValues((current) => ({ ...current, [entry.name]: value }))}
    />
  );

  return (
    <Dialog
      open={open}
      onClose={close}
      title={credential ? `Edit "${credential.name}"` : 'New credential'}
      testId="credential-dialog"
      width={520}
    >
      {!loaded ? (
        <p className="muted" data-testid="credential-loading">
          {detail.isError ? errorMessage(detail.error) : 'Loading…'}
        </p>
      ) : (
        <form className="form-fields" onSubmit={submit}>
          <div className="field">
            <label className="field__label" htmlFor="credential-name">
              Name
            </label>
            <input
              id="credential-name"
              className="input"
              data-autofocus
              maxLength={100}
              placeholder="e.g. GitHub API (production)"
              value={name}
              data-testid="credential-name"
              onChange={(e) => setName(e.target.value)}
            />
          </div>
          <div className="field">
            <label className="field__label" htmlFor="credential-type">
              Type
            </label>
            <select
              id="credential-type"
              className="input select"
              value={chosenType}
              disabled={credential !== undefined}
              data-testid="credential-type"
              onChange={(e) => {
                setType(e.target.value);
                setValues({});
              }}
            >
              {(credential ? (types.data ?? []) : offered).map((entry) => (
                <option key={entry.type} value={entry.type}>
                  {entry.title}
                </option>
              ))}
            </select>
            {descriptor && <span className="field__hint">{descriptor.description}</span>}
          </div>
          {basic.map(field)}
          {advanced.length > 0 && (
            <details className="credential-advanced">
              <summary className="muted small">Advanced</summary>
              {advanced.map(field)}
            </details>
          )}
          {types.isError && <p className="form-error">{errorMessage(types.error)}</p>}
          {error && (
            <p className="form-error" role="alert" data-testid="credential-error">
              {errorMessage(error)}
            </p>
          )}
          <div className="dialog__actions">
            <button type="button" className="btn btn--ghost" onClick={close}>
              Cancel
            </button>
            <button
              type="submit"
              className="btn btn--primary"
              disabled={!name.trim() || !chosenType || saving}
              data-testid="credential-submit"
            >
              {saving ? 'Saving…' : credential ? 'Save' : 'Create credential'}
            </button>
          </div>
        </form>
      )}
    </Dialog>
  );
}

function CredentialFieldInput({
  field,
  value,
  stored,
  onChange,
}: {
  field: CredentialField;
  value: string;
  /** Edit: whether the secret is stored (undefined when creating). */
  stored: boolean | undefined;
  onChange: (value: string) => void;
}) {
  const id = `credential-field-${field.name}`;
  return (
    <div className="field">
      <label className="field__label" htmlFor={id}>
        {field.label}
        {!field.required && <span className="muted"> (optional)</span>}
        {field.secret && stored !== undefined && (
          <span
            className={`chip ${stored ? 'chip--ok' : 'chip--muted'} credential-secret-state`}
            data-testid={`credential-secret-${field.name}`}
          >
            {stored ? 'set' : 'not set'}
          </span>
        )}
      </label>
      {field.options ? (
        <select
          id={id}
          className="input select"
          value={value || field.defaultValue || ''}
          onChange={(e) => onChange(e.target.value)}
        >
          {field.options.map((option) => (
            <option key={option} value={option}>
              {option}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          className="input"
          type={field.secret ? 'password' : 'text'}
          autoComplete={field.secret ? 'new-password' : 'off'}
          placeholder={
            field.secret && stored ? 'Leave empty to keep the stored value' : field.placeholder
          }
          value={value}
          data-testid={`credential-field-${field.name}`}
          onChange={(e) => onChange(e.target.value)}
        />
      )}
      {field.description && <span className="field__hint">{field.description}</span>}
    </div>
  );
}
