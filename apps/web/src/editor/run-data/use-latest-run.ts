/**
 * Loads the flow's latest run into the editor run store when the editor opens, so the inspector
 * and expression fields have real upstream data before anything runs.
 */
import { useQuery } from '@tanstack/react-query';
import { useEffect } from 'react';
import { useTRPC } from '../../trpc.ts';
import { useEditorRunStore } from './editor-run-store.ts';

export function useLatestRun(flowId: string): void {
  const trpc = useTRPC();
  const reset = useEditorRunStore((s) => s.reset);
  const show = useEditorRunStore((s) => s.show);
  useEffect(() => reset(flowId), [flowId, reset]);

  const latest = useQuery(
    trpc.runs.list.queryOptions({ flowId, limit: 1 }, { staleTime: Number.POSITIVE_INFINITY }),
  );
  const latestId = latest.data?.items[0]?.id;
  const run = useQuery(
    trpc.runs.get.queryOptions(
      { id: latestId ?? '' },
      { enabled: latestId !== undefined, staleTime: Number.POSITIVE_INFINITY },
    ),
  );
  useEffect(() => {
    // A run started here is followed by runs.watch: its snapshots are newer than this answer.
    if (run.data && useEditorRunStore.getState().liveRunId === null) show(run.data);
  }, [run.data, show]);
}
