/** A role picker limited to the roles the signed-in user may grant. */
import { ROLE_DESCRIPTIONS, ROLES, type Role, roleAtLeast } from '../auth/roles.ts';

export function RoleSelect({
  value,
  onChange,
  maxRole,
  id,
  testId,
  disabled,
}: {
  value: Role;
  onChange: (role: Role) => void;
  /** The strongest role offered (the signed-in user's own). */
  maxRole: Role;
  id?: string;
  testId?: string;
  disabled?: boolean;
}) {
  return (
    <select
      id={id}
      className="input select"
      value={value}
      disabled={disabled}
      data-testid={testId}
      onChange={(e) => onChange(e.target.value as Role)}
    >
      {ROLES.filter((role) => roleAtLeast(maxRole, role)).map((role) => (
        <option key={role} value={role} title={ROLE_DESCRIPTIONS[role]}>
          {role}
        </option>
      ))}
    </select>
  );
}
