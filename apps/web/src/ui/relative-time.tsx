/** A relative timestamp ("5 minutes ago") with the absolute time on hover, kept fresh. */
import { formatAbsolute, formatRelative } from './format.ts';
import { useNow } from './use-now.ts';

const TICK_MS = 30_000;

export function RelativeTime({ iso, testId }: { iso: string | null; testId?: string }) {
  const now = useNow(TICK_MS);
  if (!iso) return <span className="muted">—</span>;
  return (
    <time dateTime={iso} title={formatAbsolute(iso)} data-testid={testId}>
      {formatRelative(iso, now)}
    </time>
  );
}
