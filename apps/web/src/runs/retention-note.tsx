/** The Runs page's note on data retention: how long runs are kept and what the last pass pruned. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc.ts';
import { RelativeTime } from '../ui/relative-time.tsx';
import { lastPassText, retentionPolicyText } from './retention-summary.ts';

export function RetentionNote() {
  const trpc = useTRPC();
  const retention = useQuery(trpc.system.retention.queryOptions());
  if (!retention.data) return null;
  const { settings, passes } = retention.data;
  const last = passes[0];
  return (
    <p className="muted small retention-note" data-testid="retention-note">
      {retentionPolicyText(settings)}{' '}
      {last && (
        <>
          Last pruned <RelativeTime iso={last.startedAt} testId="retention-last-pass" />:{' '}
        </>
      )}
      {lastPassText(last)}
    </p>
  );
}
