/**
 * Checks a flow document against its schema, the node type registry and the graph rules, and
 * collects every problem found, each naming the node or edge and the field to fix.
 */
import type { z } from 'zod';
import { FlowValidationError, type ValidationIssue } from './errors.ts';
import {
  type FlowDocument,
  type FlowEdge,
  type FlowNode,
  type FlowNodeShape,
  flowDocumentShapeSchema,
  flowEdgeSchema,
  flowNodeShapeSchema,
  MAX_PINNED_OUTPUT_CHARS,
} from './flow-document.ts';
import { findCycles, indexEdges } from './graph.ts';
import {
  describeJsonProblem,
  findJsonProblems,
  formatJsonPath,
  type JsonPath,
  type JsonProblem,
} from './json-limits.ts';
import type { NodeTypeDefinition } from './node-type.ts';
import type { NodeTypeRegistry } from './node-type-registry.ts';
import { type FlowSettings, flowSettingsSchema, nodePolicySchemaFor } from './resilience/policy.ts';
import { buildValidatedFlow, type ValidatedFlow } from './validated-flow.ts';
import { describeZodIssues, nodeName } from './validation-messages.ts';

export type ValidateFlowResult =
  | { ok: true; flow: ValidatedFlow }
  | { ok: false; issues: ValidationIssue[] };

/** A node with a unique id; `definition` is undefined when its type is unknown. */
type CheckedNode = { node: FlowNode; definition: NodeTypeDefinition | undefined; config: unknown };

export function validateFlow(input: unknown, registry: NodeTypeRegistry): ValidateFlowResult {
  // Before anything recursive (copying, zod) touches the document: nesting that deep would
  // overflow the stack, and text PostgreSQL cannot store is reported on its node and field.
  const jsonProblems = findJsonProblems(input);
  const issues: ValidationIssue[] = jsonProblems.map((problem) => jsonProblemIssue(problem, input));
  if (jsonProblems.some((problem) => problem.kind === 'too_deep')) return { ok: false, issues };
  let raw: unknown;
  try {
    // A private copy, so that freezing the validated flow never freezes the caller's objects.
    raw = structuredClone(input);
  } catch {
    return { ok: false, issues: [documentIssue('The flow document must be plain JSON data', [])] };
  }

  const shape = flowDocumentShapeSchema.safeParse(raw);
  let nodes: FlowNodeShape[] | undefined;
  let edges: FlowEdge[] | undefined;
  let settings: FlowSettings | undefined;
  if (shape.success) {
    ({ nodes, edges } = shape.data);
    settings = checkSettings(shape.data.settings, issues);
  } else {
    issues.push(...describeZodIssues(shape.error.issues, raw));
    // Keep checking whatever nodes and edges are well formed, so the user sees every problem.
    nodes = salvage(raw, 'nodes', flowNodeShapeSchema);
    edges = salvage(raw, 'edges', flowEdgeSchema);
  }

  // Without a readable node list, graph rules would only repeat the shape problem.
  if (!nodes) return { ok: false, issues };
  const checked = checkNodes(nodes, registry, issues);
  const validEdges = checkEdges(edges ?? [], checked, issues);
  const index = indexEdges({
    nodes: [...checked.values()].map((entry) => entry.node),
    edges: validEdges,
  });
  checkCycles(index, checked, issues);
  const triggerId = checkTriggers(checked, issues);

  if (issues.length > 0 || !shape.success || triggerId === undefined) {
    return { ok: false, issues };
  }
  const known = new Map<
    string,
    { node: FlowNode; definition: NodeTypeDefinition; config: unknown }
  >();
  for (const [id, entry] of checked) {
    if (entry.definition) known.set(id, { ...entry, definition: entry.definition });
  }
  // The document as flowDocumentSchema would parse it: policies and settings with their defaults.
  const { settings: _raw, ...rest } = shape.data;
  const document: FlowDocument = {
    ...rest,
    nodes: shape.data.nodes.map((node) => checked.get(node.id)!.node),
    ...(settings === undefined ? {} : { settings }),
  };
  return { ok: true, flow: buildValidatedFlow(document, known, index, triggerId) };
}

/** Like validateFlow, but throws FlowValidationError carrying every issue. */
export function assertValidFlow(input: unknown, registry: NodeTypeRegistry): ValidatedFlow {
  const result = validateFlow(input, registry);
  if (result.ok) return result.flow;
  throw new FlowValidationError(flowNameOf(input), result.issues);
}

/** A pinned output (sample data for step tests) must stay small: documents travel whole. */
function checkPinnedOutput(node: FlowNodeShape, index: number, issues: ValidationIssue[]): void {
  if (node.pinnedOutput === undefined) return;
  const chars = JSON.stringify(node.pinnedOutput)?.length ?? 0;
  if (chars <= MAX_PINNED_OUTPUT_CHARS) return;
  issues.push({
    code: 'document.invalid',
    message: `${nodeName(node)}, field "pinnedOutput": a pinned output may be at most ${MAX_PINNED_OUTPUT_CHARS / 1024} KiB of JSON (it is ${Math.ceil(chars / 1024)} KiB)`,
    nodeId: node.id,
    path: ['nodes', index, 'pinnedOutput'],
  });
}

/** Nodes with a unique id and a known type; config issues are reported, not filtered. */
function checkNodes(
  nodes: readonly FlowNodeShape[],
  registry: NodeTypeRegistry,
  issues: ValidationIssue[],
): Map<string, CheckedNode> {
  const checked = new Map<string, CheckedNode>();
  const seen = new Set<string>();
  for (const [index, shape] of nodes.entries()) {
    checkPinnedOutput(shape, index, issues);
    const node = checkPolicy(shape, registry, issues);
    if (seen.has(node.id)) {
      issues.push({
        code: 'node.duplicate_id',
        message: `Node id "${node.id}" is used by more than one node; give each node its own id`,
        nodeId: node.id,
        path: ['id'],
      });
      continue;
    }
    seen.add(node.id);
    const definition = registry.get(node.type);
    if (!definition) {
      // Kept in the graph, so its edges are not reported as dangling.
      checked.set(node.id, { node, definition, config: undefined });
      issues.push({
        code: 'node.unknown_type',
        message: `${nodeName(node)} has unknown type "${node.type}"; known types: ${registry
          .list()
          .map((type) => type.type)
          .join(', ')}`,
        nodeId: node.id,
        path: ['type'],
      });
      continue;
    }
    const parsed = definition.configSchema.safeParse(node.config);
    if (parsed.success) {
      checked.set(node.id, { node, definition, config: parsed.data });
    } else {
      for (const issue of describeZodIssues(parsed.error.issues, node.config, node)) {
        issues.push({ ...issue, code: 'node.invalid_config', nodeId: node.id });
      }
      // Still part of the graph, so cycle and trigger checks see it.
      checked.set(node.id, { node, definition, config: undefined });
    }
  }
  return checked;
}

/** Edges with a unique id between existing nodes, through ports those nodes have. */
function checkEdges(
  edges: readonly FlowEdge[],
  nodes: ReadonlyMap<string, CheckedNode>,
  issues: ValidationIssue[],
): FlowEdge[] {
  const valid: FlowEdge[] = [];
  const seen = new Set<string>();
  for (const edge of edges) {
    if (seen.has(edge.id)) {
      issues.push({
        code: 'edge.duplicate_id',
        message: `Edge id "${edge.id}" is used by more than one edge; give each edge its own id`,
        edgeId: edge.id,
        path: ['id'],
      });
      continue;
    }
    seen.add(edge.id);
    const source = nodes.get(edge.source);
    const target = nodes.get(edge.target);
    for (const [end, found] of [
      ['source', source],
      ['target', target],
    ] as const) {
      if (!found) {
        issues.push({
          code: 'edge.dangling',
          message: `Edge "${edge.id}" ${end === 'source' ? 'starts at' : 'ends at'} node "${edge[end]}", which does not exist`,
          edgeId: edge.id,
          path: [end],
        });
      }
    }
    if (!source || !target) continue;
    const handleIssue =
      source.definition && target.definition
        ? checkHandles(edge, source.definition, source.node, target.definition, target.node)
        : undefined;
    if (handleIssue) {
      issues.push(handleIssue);
      continue;
    }
    valid.push(edge);
  }
  return valid;
}

function checkHandles(
  edge: FlowEdge,
  sourceType: NodeTypeDefinition,
  sourceNode: FlowNode,
  targetType: NodeTypeDefinition,
  targetNode: FlowNode,
): ValidationIssue | undefined {
  const { outputs } = sourceType;
  const { inputs } = targetType;
  if (inputs.length === 0) {
    return {
      code: 'edge.into_trigger',
      message: `Edge "${edge.id}" leads into ${nodeName(targetNode)}, which takes no input (${targetType.title} starts the flow)`,
      edgeId: edge.id,
      nodeId: targetNode.id,
      path: ['target'],
    };
  }
  if (outputs.length > 1 && !outputs.some((port) => port.id === edge.sourceHandle)) {
    return {
      code: 'edge.unknown_handle',
      message: `Edge "${edge.id}" ${
        edge.sourceHandle ? `leaves output "${edge.sourceHandle}", which` : 'names no output of'
      } ${nodeName(sourceNode)}${edge.sourceHandle ? ' does not have' : ''}; use one of ${portList(outputs)}`,
      edgeId: edge.id,
      nodeId: sourceNode.id,
      path: ['sourceHandle'],
    };
  }
  if (inputs.length > 1 && !inputs.some((port) => port.id === edge.targetHandle)) {
    return {
      code: 'edge.unknown_handle',
      message: `Edge "${edge.id}" ${
        edge.targetHandle ? `enters input "${edge.targetHandle}", which` : 'names no input of'
      } ${nodeName(targetNode)}${edge.targetHandle ? ' does not have' : ''}; use one of ${portList(inputs)}`,
      edgeId: edge.id,
      nodeId: targetNode.id,
      path: ['targetHandle'],
    };
  }
  return undefined;
}

function checkCycles(
  index: ReturnType<typeof indexEdges>,
  nodes: ReadonlyMap<string, CheckedNode>,
  issues: ValidationIssue[],
): void {
  for (const cycle of findCycles(index)) {
    const first = cycle[0]!;
    const names = cycle.map((id) => `"${id}"`);
    issues.push({
      code: 'graph.cycle',
      message:
        cycle.length === 1
          ? `${nodeName(nodes.get(first)!.node)} is connected to itself; flows cannot loop`
          : `Nodes ${[...names, names[0]].join(' → ')} form a cycle; remove one of these connections`,
      nodeId: first,
      path: [],
    });
  }
}

/** Returns the single trigger's id, reporting none or several. */
function checkTriggers(
  nodes: ReadonlyMap<string, CheckedNode>,
  issues: ValidationIssue[],
): string | undefined {
  const triggers = [...nodes.values()].filter((entry) => entry.definition?.category === 'trigger');
  if (triggers.length === 0) {
    issues.push({
      code: 'graph.no_trigger',
      message: 'The flow has no trigger; add a trigger node (e.g. "Manual trigger") to start it',
      path: ['nodes'],
    });
    return undefined;
  }
  if (triggers.length > 1) {
    const ids = triggers.map((entry) => `"${entry.node.id}"`).join(', ');
    for (const entry of triggers) {
      issues.push({
        code: 'graph.multiple_triggers',
        message: `${nodeName(entry.node)} is one of ${triggers.length} triggers (${ids}); a flow has exactly one`,
        nodeId: entry.node.id,
        path: ['type'],
      });
    }
    return undefined;
  }
  return triggers[0]!.node.id;
}

/**
 * The node with its policy parsed (defaults applied) by its type's policy schema, which has the
 * retry fields the type adds; a bad policy is reported and left out.
 */
function checkPolicy(
  shape: FlowNodeShape,
  registry: NodeTypeRegistry,
  issues: ValidationIssue[],
): FlowNode {
  const { policy, ...node } = shape;
  if (policy === undefined) return node;
  const parsed = nodePolicySchemaFor(registry.get(node.type)?.retryOptions).safeParse(policy);
  if (parsed.success) return { ...node, policy: parsed.data };
  const unknownField = (path: (string | number)[], key: string) =>
    path.length === 1 && path[0] === 'retry'
      ? retryFieldOwners(registry, node.type, key)
      : undefined;
  issues.push(
    ...describeZodIssues(parsed.error.issues, policy, node, { part: 'policy', unknownField }),
  );
  return node;
}

/** For a retry field another node type adds: which types have it, e.g. HTTP's status lists. */
function retryFieldOwners(registry: NodeTypeRegistry, type: string, key: string) {
  const owners = registry
    .list()
    .filter(
      (definition) => definition.retryOptions && Object.hasOwn(definition.retryOptions.fields, key),
    )
    .map((definition) => definition.type);
  if (owners.length === 0) return undefined;
  return `Unknown field "${key}": only ${owners.join(', ')} nodes have it, not ${type}`;
}

/** Flow settings with their defaults; problems are document issues at ['settings', …]. */
function checkSettings(settings: unknown, issues: ValidationIssue[]): FlowSettings | undefined {
  if (settings === undefined) return undefined;
  const parsed = flowSettingsSchema.safeParse(settings);
  if (parsed.success) return parsed.data;
  issues.push(
    ...describeZodIssues(parsed.error.issues, settings, undefined, { prefix: ['settings'] }),
  );
  return undefined;
}

function salvage<T>(raw: unknown, key: 'nodes' | 'edges', schema: z.ZodType<T>): T[] | undefined {
  const list =
    typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>)[key] : undefined;
  if (!Array.isArray(list)) return undefined;
  return list.flatMap((item) => {
    const parsed = schema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

/**
 * A nesting, NUL or surrogate problem as an issue: on the node's config or policy field when it is
 * inside one (path relative to it, as for schema problems), otherwise on the document.
 */
function jsonProblemIssue(problem: JsonProblem, document: unknown): ValidationIssue {
  const problemText = describeJsonProblem(problem);
  const [collection, position, part, ...rest] = problem.path;
  const item =
    (collection === 'nodes' || collection === 'edges') && typeof position === 'number'
      ? itemAt(document, collection, position)
      : undefined;
  if (item && collection === 'nodes' && (part === 'config' || part === 'policy')) {
    const node = { id: item.id, label: item.label };
    const field = formatJsonPath(part === 'policy' ? ['policy', ...rest] : rest);
    return {
      code: part === 'policy' ? 'node.invalid_policy' : 'node.invalid_config',
      message: `${nodeName(node)}${field ? `, field "${field}"` : ''}: ${problemText}`,
      nodeId: item.id,
      path: rest,
    };
  }
  if (item) {
    const inside: JsonPath = part === undefined ? [] : [part, ...rest];
    const kind = collection === 'nodes' ? 'Node' : 'Edge';
    const field = inside.length > 0 ? `, field "${formatJsonPath(inside)}"` : '';
    return {
      code: 'document.invalid',
      message: `${kind} "${item.id}"${field}: ${problemText}`,
      path: problem.path,
      ...(collection === 'nodes' ? { nodeId: item.id } : { edgeId: item.id }),
    };
  }
  const where =
    problem.path.length > 0 ? `Field "${formatJsonPath(problem.path)}"` : 'Flow document';
  return {
    code: 'document.invalid',
    message: `${where}: ${problemText}`,
    path: problem.path,
  };
}

/** The node or edge at `position`, when its id (and label) can be shown as they are. */
function itemAt(
  document: unknown,
  collection: 'nodes' | 'edges',
  position: number,
): { id: string; label?: string } | undefined {
  const list =
    typeof document === 'object' && document !== null
      ? (document as Record<string, unknown>)[collection]
      : undefined;
  const item: unknown = Array.isArray(list) ? list[position] : undefined;
  if (typeof item !== 'object' || item === null) return undefined;
  const { id, label } = item as Record<string, unknown>;
  if (typeof id !== 'string' || id === '' || findJsonProblems(id).length > 0) return undefined;
  const readableLabel =
    typeof label === 'string' && findJsonProblems(label).length === 0 ? label : undefined;
  return readableLabel === undefined ? { id } : { id, label: readableLabel };
}

function documentIssue(message: string, path: (string | number)[]): ValidationIssue {
  return { code: 'document.invalid', message, path };
}

function portList(ports: readonly { id: string }[]): string {
  return ports.map((port) => `"${port.id}"`).join(', ');
}

function flowNameOf(input: unknown): string {
  const name =
    typeof input === 'object' && input !== null ? (input as FlowDocument).name : undefined;
  return typeof name === 'string' && name.trim() !== '' ? name : 'untitled';
}
