/** Save, run and export for the open flow, with errors turned into issues on the canvas. */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { errorMessage, issuesFromError } from '../api/api-error.ts';
import { useTRPC } from '../trpc.ts';
import { downloadFile } from '../ui/download-file.ts';
import { toast } from '../ui/toast-store.ts';
import { selectDirty, useEditorStore } from './editor-store.ts';
import { useEditorRunStore } from './run-data/editor-run-store.ts';
import { warningsToast } from './save-warnings.ts';

function downloadJson(fileName: string, value: unknown) {
  downloadFile(fileName, `${JSON.stringify(value, null, 2)}\n`);
}

export function exportFileName(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `${slug || 'flow'}.patchbay.json`;
}

export function useFlowActions(flowId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const update = useMutation(trpc.flows.update.mutationOptions());
  const run = useMutation(trpc.flows.run.mutationOptions());

  const reportIssues = useCallback((error: unknown, action: string): void => {
    const issues = issuesFromError(error);
    if (issues.length > 0) {
      const { setIssues, setProblemsOpen } = useEditorStore.getState();
      setIssues(issues);
      setProblemsOpen(true);
      toast({
        tone: 'error',
        title: `Can't ${action}: ${issues.length} problem${issues.length === 1 ? '' : 's'} in the flow`,
        detail: issues[0]?.message ?? '',
      });
      return;
    }
    toast({ tone: 'error', title: `Couldn't ${action} the flow`, detail: errorMessage(error) });
  }, []);

  /** Saves the canvas. Warnings (e.g. a URL the egress policy refuses) are always shown. */
  const save = useCallback(
    async (options: { announce?: boolean } = {}): Promise<boolean> => {
      const state = useEditorStore.getState();
      const revision = state.revision;
      const document = state.toDocument();
      try {
        const saved = await update.mutateAsync({ id: flowId, name: document.name, document });
        useEditorStore.getState().markSaved(revision);
        await queryClient.invalidateQueries({ queryKey: trpc.flows.pathKey() });
        if (saved.warnings.length > 0) toast(warningsToast('saved', saved.warnings));
        else if (options.announce) toast({ tone: 'success', title: 'Flow saved' });
        return true;
      } catch (error) {
        reportIssues(error, 'save');
        return false;
      }
    },
    [flowId, update, queryClient, trpc, reportIssues],
  );

  /**
   * Saves first when there are unsaved changes, then starts a run with `input` and follows it on
   * the canvas (the editor stays open). True once the run started.
   */
  const runFlow = useCallback(
    async (input: unknown): Promise<boolean> => {
      if (selectDirty(useEditorStore.getState()) && !(await save())) return false;
      try {
        const { runId } = await run.mutateAsync({ id: flowId, input });
        useEditorRunStore.getState().watch(runId);
        void queryClient.invalidateQueries({ queryKey: trpc.runs.pathKey() });
        return true;
      } catch (error) {
        reportIssues(error, 'run');
        return false;
      }
    },
    [flowId, run, save, queryClient, trpc, reportIssues],
  );

  const exportFlow = useCallback(async (): Promise<void> => {
    try {
      const document = await queryClient.fetchQuery(
        trpc.flows.export.queryOptions({ id: flowId }, { staleTime: 0 }),
      );
      downloadJson(exportFileName(document.name), document);
      if (selectDirty(useEditorStore.getState())) {
        toast({
          tone: 'info',
          title: 'Exported the last saved version',
          detail: 'Save to include your latest changes.',
        });
      }
    } catch (error) {
      toast({ tone: 'error', title: "Couldn't export the flow", detail: errorMessage(error) });
    }
  }, [flowId, queryClient, trpc]);

  return {
    save,
    runFlow,
    exportFlow,
    saving: update.isPending,
    starting: run.isPending,
  };
}
