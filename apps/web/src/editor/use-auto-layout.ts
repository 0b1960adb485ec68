/**
 * The editor's auto-layout command: loads ELK on first use (it is large and most sessions never
 * lay out), lays out the flow or the selection, and moves the nodes in one undoable edit.
 */
import { useReactFlow } from '@xyflow/react';
import type { ELK } from 'elkjs/lib/elk-api';
import { useCallback } from 'react';
import { errorMessage } from '../api/api-error.ts';
import { useNodeTypes } from '../node-types/use-node-types.ts';
import { toast } from '../ui/toast-store.ts';
import { computeLayout, type LayoutScope, layoutScope, type PortsOf } from './auto-layout.ts';
import { type EditorState, useEditorStore } from './editor-store.ts';
import { FIT_VIEW_OPTIONS } from './initial-viewport.ts';

/** Selector: what auto-layout would lay out now (for labels). */
export const selectLayoutScope = (s: EditorState): LayoutScope => layoutScope(s.nodes);

let elk: Promise<ELK> | null = null;

function loadElk(): Promise<ELK> {
  elk ??= import('elkjs/lib/elk.bundled.js').then(({ default: Elk }) => new Elk());
  // A failed load (a new deploy removed the chunk) is tried again next time.
  elk.catch(() => {
    elk = null;
  });
  return elk;
}

export function useAutoLayout(): () => Promise<void> {
  const catalog = useNodeTypes().data;
  const { fitView } = useReactFlow();

  return useCallback(async () => {
    const { nodes, edges, revision } = useEditorStore.getState();
    const scope = layoutScope(nodes);
    const typeOf = new Map(nodes.map((n) => [n.id, n.data.nodeType]));
    const portsOf: PortsOf = (nodeId) => {
      const descriptor = catalog?.byType.get(typeOf.get(nodeId) ?? '');
      return (
        descriptor && {
          inputs: descriptor.inputs.map((port) => port.id),
          outputs: descriptor.outputs.map((port) => port.id),
        }
      );
    };
    let positions: Map<string, { x: number; y: number }>;
    try {
      positions = await computeLayout(await loadElk(), { nodes, edges }, scope, portsOf);
    } catch (error) {
      toast({ tone: 'error', title: "Couldn't lay out the flow", detail: errorMessage(error) });
      return;
    }
    // Moving nodes under an edit made meanwhile would undo part of it.
    if (useEditorStore.getState().revision !== revision) {
      toast({
        tone: 'info',
        title: 'Auto-layout skipped',
        detail: 'The flow changed while it was being laid out. Try again.',
      });
      return;
    }
    useEditorStore.getState().moveNodes(positions);
    if (scope === 'flow') void fitView(FIT_VIEW_OPTIONS);
  }, [catalog, fitView]);
}
