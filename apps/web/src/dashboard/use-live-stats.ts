/**
 * One stats.live subscription per page (SSE): each event replaces the in-flight, queue and worker
 * figures at once and asks for a refresh of the stats queries, at most every REFRESH_MS. No panel
 * polls on its own.
 */
import { useSubscription } from '@trpc/tanstack-react-query';
import { useEffect, useMemo, useRef, useState } from 'react';
import type { RouterOutputs } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';
import { throttle } from './throttle.ts';

/** One stats.live event (the procedure's output is the stream of them). */
export type LiveStats = RouterOutputs['stats']['live'] extends AsyncIterable<infer E> ? E : never;
/** How often at most the stats queries refetch while runs start and finish. */
export const REFRESH_MS = 3_000;

export function useLiveStats(
  flowId: string | null,
  onRefresh: () => void,
): { live: LiveStats | null; connected: boolean } {
  const trpc = useTRPC();
  const [live, setLive] = useState<LiveStats | null>(null);
  // The first event after (re)connecting describes what the page has just loaded.
  const seen = useRef(false);
  const refreshRef = useRef(onRefresh);
  refreshRef.current = onRefresh;
  const refresh = useMemo(() => throttle(() => refreshRef.current(), REFRESH_MS), []);
  useEffect(() => () => refresh.cancel(), [refresh]);

  const subscription = useSubscription(
    trpc.stats.live.subscriptionOptions(flowId ? { flowId } : {}, {
      onData: (event) => {
        setLive(event);
        if (seen.current) refresh.call();
        seen.current = true;
      },
    }),
  );
  return { live, connected: subscription.status === 'pending' };
}
