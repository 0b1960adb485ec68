/**
 * Watches the run started from the editor (runs.watch, server-sent events): each snapshot goes
 * into the editor run store, so its node cards and the inspector follow the run live. The stream
 * ends on its own after the run's final snapshot; the run history is refreshed then.
 */
import { skipToken, useQueryClient } from '@tanstack/react-query';
import { useSubscription } from '@trpc/tanstack-react-query';
import { errorMessage } from '../../api/api-error.ts';
import { useTRPC } from '../../trpc.ts';
import { isActiveRun } from '../../ui/status-badge.tsx';
import { toast } from '../../ui/toast-store.ts';
import { useEditorRunStore } from './editor-run-store.ts';

export function useRunWatch(): void {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const runId = useEditorRunStore((s) => s.liveRunId);
  const show = useEditorRunStore((s) => s.show);
  useSubscription(
    trpc.runs.watch.subscriptionOptions(runId ? { id: runId } : skipToken, {
      onData: (run) => {
        show(run);
        if (!isActiveRun(run.status)) {
          void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        }
      },
      onError: (error) =>
        toast({ tone: 'error', title: "Couldn't follow the run", detail: errorMessage(error) }),
    }),
  );
}
