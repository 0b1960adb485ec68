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

/**
 * Without `node`, issues are about the document (`root`) and get code `document.invalid`, with
 * the node or edge id when the path points inside one. With `node`, issues are about that node's
 * config (`root`), and paths are relative to the config.
 */
export function describeZodIssues(
  zodIssues: readonly z.core.$ZodIssue[],
  root: unknown,
  node?: Pick<FlowNode, 'id' | 'label'>,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  for (const zodIssue of zodIssues) {
    const path = zodIssue.path.map((key) => (typeof key === 'number' ? key : String(key)));
    if (zodIssue.code === 'unrecognized_keys') {
      for (const key of zodIssue.keys) {
        issues.push(describe([...path, key], `Unknown field "${key}"`, root, node));
      }
    } else {
      issues.push(describe(path, zodIssue.message, root, node));
    }
  }
  return issues;
}

function describe(
  path: Path,
  problem: string,
  root: unknown,
  node: Pick<FlowNode, 'id' | 'label'> | undefined,
): ValidationIssue {
  if (node) {
    const field = path.length > 0 ? `, field "${formatPath(path)}"` : '';
    return {
      code: 'node.invalid_config',
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
