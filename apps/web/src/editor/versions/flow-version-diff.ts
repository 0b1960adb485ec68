/**
 * What changed between two flow documents: nodes added, removed, changed (label, type, config,
 * policy) or only moved, edges added and removed, and field-level before/after values. Pure, so
 * the version history's canvas and change list draw from one answer.
 */
import type { FlowDocumentEdge } from '../../api/types.ts';
import type { DraftFlowDocument, DraftFlowNode } from '../flow-document-mapping.ts';

/** One field that differs; `undefined` on a side means the field is absent there. */
export type FieldChange = { path: readonly string[]; before: unknown; after: unknown };

/**
 * `changed`: its label, type, config or policy differs (it may have moved too); `moved`: only
 * its position differs.
 */
export type NodeDiffStatus = 'added' | 'removed' | 'changed' | 'moved' | 'unchanged';

export const DIFF_STATUS_LABEL: Record<NodeDiffStatus, string> = {
  added: 'Added',
  removed: 'Removed',
  changed: 'Changed',
  moved: 'Moved',
  unchanged: 'Unchanged',
};

export type NodeDiff = {
  id: string;
  status: NodeDiffStatus;
  /** The node in the older document (absent when added). */
  before: DraftFlowNode | undefined;
  /** The node in the newer document (absent when removed). */
  after: DraftFlowNode | undefined;
  /** The node as a comparison draws it: the newer one, or the older one when removed. */
  drawn: DraftFlowNode;
  /** Label, type and position changes, as fields of the node. */
  node: FieldChange[];
  config: FieldChange[];
  policy: FieldChange[];
  moved: boolean;
};

export type FlowDiff = {
  /** Every node of either document: the newer document's order, then removed ones. */
  nodes: NodeDiff[];
  byId: ReadonlyMap<string, NodeDiff>;
  edges: { added: FlowDocumentEdge[]; removed: FlowDocumentEdge[] };
  /** The flow's name, description and settings. */
  flow: FieldChange[];
  counts: Record<Exclude<NodeDiffStatus, 'unchanged'>, number> & { edges: number };
  /** Nothing differs at all. */
  identical: boolean;
};

export function diffFlowDocuments(before: DraftFlowDocument, after: DraftFlowDocument): FlowDiff {
  const beforeNodes = new Map(before.nodes.map((node) => [node.id, node]));
  const afterIds = new Set(after.nodes.map((node) => node.id));
  const nodes: NodeDiff[] = [
    ...after.nodes.map((node) => diffNode(beforeNodes.get(node.id), node)),
    ...before.nodes.filter((node) => !afterIds.has(node.id)).map((node) => onlyIn('removed', node)),
  ];
  const edges = diffEdges(before.edges, after.edges);
  const flow = [
    ...diffValues(before.name, after.name, ['name']),
    ...diffValues(before.description, after.description, ['description']),
    ...diffValues(before.settings, after.settings, ['settings']),
  ];
  const counts = {
    added: 0,
    removed: 0,
    changed: 0,
    moved: 0,
    edges: edges.added.length + edges.removed.length,
  };
  for (const node of nodes) if (node.status !== 'unchanged') counts[node.status] += 1;
  return {
    nodes,
    byId: new Map(nodes.map((node) => [node.id, node])),
    edges,
    flow,
    counts,
    identical:
      flow.length === 0 && counts.edges === 0 && nodes.every((node) => node.status === 'unchanged'),
  };
}

function diffNode(before: DraftFlowNode | undefined, after: DraftFlowNode): NodeDiff {
  if (!before) return onlyIn('added', after);
  const config = diffValues(before.config, after.config, []);
  const policy = diffValues(before.policy ?? {}, after.policy ?? {}, []);
  const node = [
    ...diffValues(before.label, after.label, ['label']),
    ...diffValues(before.type, after.type, ['type']),
  ];
  const moved = before.position.x !== after.position.x || before.position.y !== after.position.y;
  const changed = node.length > 0 || config.length > 0 || policy.length > 0;
  if (moved) node.push({ path: ['position'], before: before.position, after: after.position });
  return {
    id: after.id,
    status: changed ? 'changed' : moved ? 'moved' : 'unchanged',
    before,
    after,
    drawn: after,
    node,
    config,
    policy,
    moved,
  };
}

/** A node only one side has: every field of it is a change. */
function onlyIn(status: 'added' | 'removed', node: DraftFlowNode): NodeDiff {
  const [before, after] = status === 'added' ? [undefined, node] : [node, undefined];
  return {
    id: node.id,
    status,
    before,
    after,
    drawn: node,
    node: [],
    config: diffValues(before?.config ?? {}, after?.config ?? {}, []),
    policy: diffValues(before?.policy ?? {}, after?.policy ?? {}, []),
    moved: false,
  };
}

/** An edge is its connection; its id is a name that may be reused for another connection. */
export function edgeKey(edge: FlowDocumentEdge): string {
  return JSON.stringify([
    edge.source,
    edge.sourceHandle ?? null,
    edge.target,
    edge.targetHandle ?? null,
  ]);
}

function diffEdges(
  before: readonly FlowDocumentEdge[],
  after: readonly FlowDocumentEdge[],
): FlowDiff['edges'] {
  const beforeKeys = new Set(before.map(edgeKey));
  const afterKeys = new Set(after.map(edgeKey));
  return {
    added: after.filter((edge) => !beforeKeys.has(edgeKey(edge))),
    removed: before.filter((edge) => !afterKeys.has(edgeKey(edge))),
  };
}

/**
 * The fields that differ between two JSON values: objects are compared key by key (a missing key
 * is `undefined`), anything else (arrays too) as a whole.
 */
export function diffValues(
  before: unknown,
  after: unknown,
  path: readonly string[],
): FieldChange[] {
  if (sameJson(before, after)) return [];
  if (isPlainObject(before) && isPlainObject(after)) {
    const keys = [...Object.keys(before), ...Object.keys(after).filter((key) => !(key in before))];
    return keys.flatMap((key) => diffValues(before[key], after[key], [...path, key]));
  }
  return [{ path, before, after }];
}

function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => sameJson(item, b[index]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
    return [...keys].every((key) => sameJson(a[key], b[key]));
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
