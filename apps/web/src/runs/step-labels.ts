/**
 * What the step list calls each node: its label in the flow version that ran (the name the user
 * gave it), else its id; the node type is secondary text.
 */
import type { FlowDocument } from '../api/types.ts';

export type StepName = {
  /** The node's label, or its id when it has none. */
  primary: string;
  /** Whether `primary` is a label the user gave (not the id). */
  labelled: boolean;
};

/** Every node's name in the document, by id. */
export function stepNamesOf(document: Pick<FlowDocument, 'nodes'>): Map<string, StepName> {
  const names = new Map<string, StepName>();
  for (const node of document.nodes) {
    const label = node.label?.trim();
    names.set(
      node.id,
      label ? { primary: label, labelled: true } : { primary: node.id, labelled: false },
    );
  }
  return names;
}

/** The name of a node, also one no longer in the document (falls back to its id). */
export function stepNameOf(names: ReadonlyMap<string, StepName>, nodeId: string): StepName {
  return names.get(nodeId) ?? { primary: nodeId, labelled: false };
}
