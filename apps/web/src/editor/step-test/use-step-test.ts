/**
 * Tests one node (flows.testStep) with the editor's current document, unsaved edits included,
 * and the upstream data the editor holds: the shown run, or the pinned outputs and sample input.
 */
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { useNodeTypes } from '../../node-types/use-node-types.ts';
import { useTRPC } from '../../trpc.ts';
import { useEditorStore } from '../editor-store.ts';
import { useEditorRunStore } from '../run-data/editor-run-store.ts';
import { stepTestUpstream } from './step-test-upstream.ts';

export function useStepTest(flowId: string, nodeId: string) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const catalog = useNodeTypes().data;
  const mutation = useMutation(
    trpc.flows.testStep.mutationOptions({
      onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.flows.stepTests.pathKey() }),
    }),
  );
  const { mutate } = mutation;

  const test = useCallback(() => {
    const document = useEditorStore.getState().toDocument();
    const runId = useEditorRunStore.getState().data?.run.id ?? null;
    const upstream = stepTestUpstream(document, nodeId, {
      runId,
      isTrigger: (type) => catalog?.byType.get(type)?.category === 'trigger',
    });
    mutate({ flowId, nodeId, document, ...upstream });
  }, [flowId, nodeId, catalog, mutate]);

  return {
    test,
    result: mutation.data,
    error: mutation.error,
    pending: mutation.isPending,
  };
}
