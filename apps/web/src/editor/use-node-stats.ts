/**
 * The stats overlay's data: stats.nodes for this flow over the range chosen in the editor store,
 * refreshed once a minute while the overlay is on. Nothing is fetched while it is off.
 */
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { useEditorStore } from './editor-store.ts';
import type { NodeFigures } from './node-stats-badge.ts';
import { DEFAULT_STATS_OVERLAY_RANGE, statsWindow } from './stats-overlay.ts';

/** stats.nodes' largest page: a flow with more nodes that ran shows its slowest 200. */
const NODE_LIMIT = 200;
const MINUTE_MS = 60_000;

export type NodeStatsState = {
  /** Per node id; undefined while off or not loaded yet. */
  figures: ReadonlyMap<string, NodeFigures> | undefined;
  loading: boolean;
  error: string | null;
};

export function useNodeStats(flowId: string): NodeStatsState {
  const range = useEditorStore((s) => s.statsOverlay);
  const on = range !== null;
  const now = useMinuteClock(on);
  const trpc = useTRPC();
  const query = useQuery(
    trpc.stats.nodes.queryOptions(
      { ...statsWindow(range ?? DEFAULT_STATS_OVERLAY_RANGE, now), flowId, limit: NODE_LIMIT },
      // The next minute's window keeps showing the last figures until its answer arrives.
      { enabled: on, placeholderData: keepPreviousData },
    ),
  );
  const data = on ? query.data : undefined;
  const figures = useMemo(
    () =>
      data
        ? new Map(
            data.nodes
              .filter((node) => node.flowId === flowId)
              .map((node) => [node.nodeId, node] as const),
          )
        : undefined,
    [data, flowId],
  );
  return {
    figures,
    loading: on && query.isPending,
    error: on && query.isError ? errorMessage(query.error) : null,
  };
}

/** Date.now(), updated at every minute while `running`. */
function useMinuteClock(running: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    setNow(Date.now());
    const timer = setInterval(() => setNow(Date.now()), MINUTE_MS);
    return () => clearInterval(timer);
  }, [running]);
  return now;
}
