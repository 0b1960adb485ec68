/** Turns zod issues into ValidationIssues whose messages say which node or edge and which field. */
import type { z } from 'zod';
import type { ValidationIssue } from './errors.ts';
import type { FlowNode } from './flow-document.ts';

type Path = (string | number)[];

/** "Node "fetch"", or with its label: "Node "Fetch orders" (fetch)". */
export function nodeName(node: Pick<FlowNode, 'id' | 'label'>): string {
  return node.label && node.label !== node.id
    ? `Node "${node.label}" (${node.id})`
    : `Node "${node.id}"`;
}

/** Which part of a node the issues are about: its config, or its resilience policy. */
export type NodePart = 'config' | 'policy';

/**
 * Without `node`, issues are about the document (`root`) and get code `document.invalid`, with
 * the node or edge id when the path points inside one; `prefix` is prepended to their paths when
 * `root` is a part of the document (its `settings`). With `node`, issues are about that node's
 * config or policy (`part`), and paths are relative to it.
 */
export function describeZodIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  root: unknown,
  node?: Pick<FlowNode, 'id' | 'label'>,
  options: {
    part?: NodePart;
    prefix?: Path;
    /** A more helpful message for an unknown field than "Unknown field", when there is one. */
    unknownField?: (path: Path, key: string) => string | undefined;
  } = {},
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  const prefix = options.prefix ?? [];
  const subject = node ? { node, part: options.part ?? 'config' } : undefined;
  for (const zodIssue of zodIssues) {
    const path = [
      ...prefix,
      ...zodIssue.path.map((key) => (typeof key === 'number' ? key : String(key))),
    ];
    if (zodIssue.code === 'unrecognized_keys') {
      for (const key of zodIssue.keys) {
        const problem = options.unknownField?.(path, key) ?? `Unknown field "${key}"`;
        issues.push(describe([...path, key], problem, root, subject));
      }
    } else {
      issues.push(describe(path, zodIssue.message, root, subject));
    }
  }
  return issues;
}

function describe(
  path: Path,
  problem: string,
  root: unknown,
  subject: { node: Pick<FlowNode, 'id' | 'label'>; part: NodePart } | undefined,
): ValidationIssue {
  if (subject) {
    const { node, part } = subject;
    // Config fields are named as they are ("url"); policy fields with their prefix ("policy.retry").
    const fieldPath = part === 'policy' ? ['policy', ...path] : path;
    const field = fieldPath.length > 0 ? `, field "${formatPath(fieldPath)}"` : '';
    return {
      code: part === 'policy' ? 'node.invalid_policy' : 'node.invalid_config',
      message: `${nodeName(node)}${field}: ${problem}`,
      nodeId: node.id,
      path,
    };
  }
  const [collection, position, ...rest] = path;
  if ((collection === 'nodes' || collection === 'edges') && typeof position === 'number') {
    const id = idAt(root, collection, position);
    const kind = collection === 'nodes' ? 'Node' : 'Edge';
    const name = id === undefined ? `${kind} #${position + 1}` : `${kind} "${id}"`;
    const field = rest.length > 0 ? `, field "${formatPath(rest)}"` : '';
    return {
      code: 'document.invalid',
      message: `${name}${field}: ${problem}`,
      path,
      ...(id === undefined ? {} : collection === 'nodes' ? { nodeId: id } : { edgeId: id }),
    };
  }
  const where = path.length > 0 ? `Field "${formatPath(path)}"` : 'Flow document';
  return { code: 'document.invalid', message: `${where}: ${problem}`, path };
}

function idAt(root: unknown, collection: 'nodes' | 'edges', position: number): string | undefined {
  if (typeof root !== 'object' || root === null) return undefined;
  const list = (root as Record<string, unknown>)[collection];
  const item: unknown = Array.isArray(list) ? list[position] : undefined;
  const id =
    typeof item === 'object' && item !== null ? (item as Record<string, unknown>).id : undefined;
  return typeof id === 'string' && id !== '' ? id : undefined;
}

function formatPath(path: Path): string {
  return path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : i === 0 ? key : `.${key}`))
    .join('');
}
