/**
 * Picks a credential for a node field whose `x-ui` widget is `credential`: a select of the
 * credentials of the accepted types, and (for admins) "Create new…", which opens the create
 * dialog inline and selects the new credential. The value is the credential id.
 */
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { useCan } from '../auth/session.ts';
import { useTRPC } from '../trpc.ts';
import { CredentialFormDialog } from './credential-form-dialog.tsx';

const CREATE_NEW = '__create__';

export function CredentialPicker({
  id,
  value,
  onChange,
  acceptedTypes,
  disabled,
  testId = 'credential-picker',
}: {
  id?: string;
  /** The selected credential id ('' or undefined: none). */
  value: string | undefined;
  onChange: (credentialId: string | undefined) => void;
  /** The credential types the node accepts; omitted: every type. */
  acceptedTypes?: readonly string[] | undefined;
  disabled?: boolean;
  testId?: string;
}) {
  const trpc = useTRPC();
  const canManage = useCan('admin');
  const credentials = useQuery(trpc.credentials.list.queryOptions());
  const [creating, setCreating] = useState(false);
  const offered = (credentials.data ?? []).filter(
    (credential) => !acceptedTypes || acceptedTypes.includes(credential.type),
  );
  const unlisted =
    value !== undefined && value !== '' && !offered.some((credential) => credential.id === value);
  const missing = unlisted && credentials.isSuccess;

  return (
    <div className="credential-picker">
      <select
        id={id}
        className="input select nodrag"
        value={value ?? ''}
        disabled={disabled}
        data-testid={testId}
        data-widget="credential"
        onChange={(e) => {
          if (e.target.value === CREATE_NEW) setCreating(true);
          else onChange(e.target.value || undefined);
        }}
      >
        <option value="">{credentials.isPending ? 'Loading…' : 'No credential'}</option>
        {unlisted && (
          <option value={value}>{missing ? `Missing credential (${value})` : 'Loading…'}</option>
        )}
        {offered.map((credential) => (
          <option key={credential.id} value={credential.id}>
            {credential.name} ({credential.type})
          </option>
        ))}
        {canManage && <option value={CREATE_NEW}>Create new…</option>}
      </select>
      {credentials.isError && <p className="form-error">{errorMessage(credentials.error)}</p>}
      {missing && (
        <p className="form-error">
          This credential no longer exists, or is not of a type this node accepts.
        </p>
      )}
      <CredentialFormDialog
        open={creating}
        onClose={() => setCreating(false)}
        acceptedTypes={acceptedTypes}
        onSaved={(saved) => onChange(saved.id)}
      />
    </div>
  );
}
