/**
 * A strip under the top bar while Patchbay sheds load: new runs that would have to queue are
 * refused (503) until the queue drains. Polls system.status; shows nothing otherwise.
 */
import { useQuery } from '@tanstack/react-query';
import { useTRPC } from '../trpc.ts';

const REFRESH_MS = 5_000;

export function LoadBanner() {
  const trpc = useTRPC();
  const status = useQuery(
    trpc.system.status.queryOptions(undefined, { refetchInterval: REFRESH_MS, retry: false }),
  );
  const load = status.data;
  if (!load?.shedding) return null;
  const waited = Math.round(load.oldestWaitMs / 1000);
  return (
    <div className="load-banner" role="status" data-testid="load-banner">
      <strong>Patchbay is shedding load.</strong> {load.queuedRuns.toLocaleString()} run
      {load.queuedRuns === 1 ? '' : 's'} wait for a worker
      {waited > 0 ? `, the oldest for ${waited} s` : ''}. New runs that would have to wait are
      refused (HTTP 503 with Retry-After) until the queue drains.
    </div>
  );
}
