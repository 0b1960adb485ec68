/** The live breaker state of an upstream target a step failed on, linking to its detail. */
import { useQuery } from '@tanstack/react-query';
import { Link } from 'wouter';
import { errorCode } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { ChevronRightIcon, ShieldIcon } from '../ui/icons.tsx';
import { BreakerStateChip } from '../upstreams/breaker-state-chip.tsx';
import { upstreamHref } from '../upstreams/upstream-format.ts';

const REFRESH_MS = 5_000;

export function UpstreamBreaker({ target, testId }: { target: string; testId?: string }) {
  const trpc = useTRPC();
  const breaker = useQuery(
    trpc.breakers.get.queryOptions({ target }, { refetchInterval: REFRESH_MS, retry: false }),
  );
  const missing = breaker.isError && errorCode(breaker.error) === 'NOT_FOUND';
  return (
    <div className="upstream-ref" data-testid={testId} data-target={target}>
      <ShieldIcon size={14} className="upstream-ref__icon" />
      <span className="upstream-ref__target mono" title={target}>
        {target}
      </span>
      {breaker.data && <BreakerStateChip state={breaker.data.state} compact />}
      {missing && <span className="muted small">No breaker</span>}
      <Link href={upstreamHref(target)} className="upstream-ref__link" data-testid="view-upstream">
        Breaker <ChevronRightIcon size={12} />
      </Link>
    </div>
  );
}
