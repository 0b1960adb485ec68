/** The toast for a save's warnings (the flow is saved; e.g. a URL the egress policy refuses). */
import type { Toast } from '../ui/toast-store.ts';

export function warningsToast(
  action: 'saved' | 'imported',
  warnings: readonly { message: string }[],
): Omit<Toast, 'id'> {
  const count = warnings.length;
  const more = count > 1 ? ` (and ${count - 1} more)` : '';
  return {
    tone: 'warning',
    title: `Flow ${action} with ${count} warning${count === 1 ? '' : 's'}`,
    detail: `${warnings[0]?.message ?? ''}${more}`,
  };
}
