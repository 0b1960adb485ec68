/**
 * `/upstreams` — the shared circuit breakers and rate limits of every upstream target, refreshed
 * every few seconds; `?target=` opens one target's detail drawer.
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import { useSearchParams } from 'wouter';
import { errorMessage } from '../api/api-error.ts';
import { useCan } from '../auth/session.ts';
import { useTRPC } from '../trpc.ts';
import { EmptyState } from '../ui/empty-state.tsx';
import { GaugeIcon, ShieldIcon } from '../ui/icons.tsx';
import { BreakerTable } from '../upstreams/breaker-table.tsx';
import { RateLimitTable } from '../upstreams/rate-limit-table.tsx';
import { ResetBreakerDialog } from '../upstreams/reset-breaker-dialog.tsx';
import { UpstreamDrawer } from '../upstreams/upstream-drawer.tsx';
import { sortByUrgency } from '../upstreams/upstream-format.ts';

const REFRESH_MS = 3_000;

function SectionHeader({
  title,
  count,
  description,
}: {
  title: string;
  count: number | undefined;
  description: string;
}) {
  return (
    <div className="section-header">
      <h2 className="section-header__title">
        {title}
        {count !== undefined && <span className="chip chip--muted">{count}</span>}
      </h2>
      <p className="section-header__description">{description}</p>
    </div>
  );
}

function LoadingRows({ columns }: { columns: number }) {
  return (
    <table className="table">
      <tbody>
        {[0, 1].map((i) => (
          <tr key={i}>
            <td colSpan={columns}>
              <span className="skeleton" />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function UpstreamsPage() {
  const trpc = useTRPC();
  const [params, setParams] = useSearchParams();
  const selected = params.get('target');
  const [resetting, setResetting] = useState<string | null>(null);
  const canReset = useCan('admin');
  const breakers = useQuery(
    trpc.breakers.list.queryOptions(undefined, { refetchInterval: REFRESH_MS }),
  );
  const limits = useQuery(
    trpc.limits.list.queryOptions(undefined, { refetchInterval: REFRESH_MS }),
  );
  const sorted = useMemo(() => sortByUrgency(breakers.data ?? []), [breakers.data]);
  const open = (target: string) => setParams({ target });
  const openCount = sorted.filter((b) => b.state !== 'closed').length;

  return (
    <div className="page" data-testid="upstreams-page">
      <header className="page-header">
        <div>
          <h1 className="page-title">
            Upstreams
            <span className="live-pill" title={`Refreshes every ${REFRESH_MS / 1000} seconds`}>
              <span className="live-pill__dot" /> Live
            </span>
          </h1>
          <p className="page-subtitle">
            The services your flows call. Every worker shares one circuit breaker and one rate limit
            per target.
          </p>
        </div>
        {openCount > 0 && (
          <div className="page-header__actions">
            <span className="attention-pill" data-testid="breakers-attention">
              {openCount} {openCount === 1 ? 'breaker needs' : 'breakers need'} attention
            </span>
          </div>
        )}
      </header>

      <SectionHeader
        title="Circuit breakers"
        count={breakers.data?.length}
        description="A breaker opens when calls to a target keep failing, so runs stop hammering a service that is down; after a cool-down it lets a probe through."
      />
      <div className="card upstream-card">
        {breakers.isError ? (
          <div className="callout callout--danger">
            Couldn't load circuit breakers: {errorMessage(breakers.error)}
          </div>
        ) : breakers.isPending ? (
          <LoadingRows columns={7} />
        ) : sorted.length === 0 ? (
          <EmptyState
            testId="breakers-empty"
            icon={<ShieldIcon size={24} />}
            title="No circuit breakers yet"
            description="A target gets a breaker the first time a flow calls it, for example through an HTTP request node. Its state, failures and cool-down show up here."
          />
        ) : (
          <BreakerTable
            breakers={sorted}
            onOpen={open}
            onReset={canReset ? setResetting : undefined}
          />
        )}
      </div>

      <SectionHeader
        title="Rate limits"
        count={limits.data?.length}
        description="Calls per period allowed to a target across all workers, and any slow-down the target asked for with 429 Retry-After."
      />
      <div className="card upstream-card">
        {limits.isError ? (
          <div className="callout callout--danger">
            Couldn't load rate limits: {errorMessage(limits.error)}
          </div>
        ) : limits.isPending ? (
          <LoadingRows columns={6} />
        ) : limits.data.length === 0 ? (
          <EmptyState
            testId="limits-empty"
            icon={<GaugeIcon size={24} />}
            title="No rate limits yet"
            description="A target appears here once a node with a rate-limit policy calls it, or when it answers 429 Too Many Requests."
          />
        ) : (
          <RateLimitTable limits={limits.data} onOpen={open} />
        )}
      </div>

      <UpstreamDrawer
        target={selected}
        limit={limits.data?.find((l) => l.target === selected)}
        onClose={() => setParams({})}
        onReset={canReset ? setResetting : undefined}
      />
      <ResetBreakerDialog target={resetting} onClose={() => setResetting(null)} />
    </div>
  );
}
