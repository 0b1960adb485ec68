/**
 * Restores a saved version: the server saves its document as the newest version, and the editor
 * reloads with it (a fresh document: not dirty, a new undo history).
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { errorMessage } from '../../api/api-error.ts';
import { useTRPC } from '../../trpc.ts';
import { toast } from '../../ui/toast-store.ts';
import { useEditorStore } from '../editor-store.ts';

export function useRestoreVersion(flowId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const mutation = useMutation(trpc.flows.restoreVersion.mutationOptions());

  const restore = useCallback(
    async (number: number): Promise<boolean> => {
      try {
        const saved = await mutation.mutateAsync({ id: flowId, number });
        useEditorStore.getState().load(flowId, saved.document);
        await queryClient.invalidateQueries({ queryKey: trpc.flows.pathKey() });
        toast({
          tone: 'success',
          title: `Restored version ${number}`,
          detail:
            saved.latestVersion === null
              ? ''
              : `Saved as version ${saved.latestVersion}; the editor shows it now.`,
        });
        return true;
      } catch (error) {
        toast({
          tone: 'error',
          title: `Couldn't restore version ${number}`,
          detail: errorMessage(error),
        });
        return false;
      }
    },
    [flowId, mutation, queryClient, trpc],
  );

  return { restore, restoring: mutation.isPending, error: mutation.error };
}
