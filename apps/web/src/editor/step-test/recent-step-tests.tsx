/** The node's last few step tests (flows.stepTests): when, with what data, how they ended. */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../../trpc.ts';
import { formatDuration, shortId } from '../../ui/format.ts';
import { RelativeTime } from '../../ui/relative-time.tsx';
import { StatusBadge } from '../../ui/status-badge.tsx';

const SHOWN_TESTS = 5;

export function RecentStepTests({ flowId, nodeId }: { flowId: string; nodeId: string }) {
  const trpc = useTRPC();
  const tests = useQuery(trpc.flows.stepTests.queryOptions({ flowId, nodeId, limit: SHOWN_TESTS }));
  if (!tests.data || tests.data.length === 0) return null;
  return (
    <details className="step-test__recent" data-testid="recent-step-tests">
      <summary className="small">Recent tests ({tests.data.length})</summary>
      <ul>
        {tests.data.map((test) => (
          <li key={test.testId} className="small" data-testid="recent-step-test">
            <StatusBadge status={test.status} compact />
            <RelativeTime iso={test.startedAt} />
            <span className="muted">
              {formatDuration(test.durationMs)} ·{' '}
              {test.sourceRunId ? `data of run #${shortId(test.sourceRunId)}` : 'pinned data'}
            </span>
          </li>
        ))}
      </ul>
    </details>
  );
}
