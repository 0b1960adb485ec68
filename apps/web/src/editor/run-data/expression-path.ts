/**
 * JSONata paths into run data, as the editor inserts them (`$.body.items[0].id`,
 * `$nodes.call.body`, `$trigger.orderId`), and the drag-and-drop payload that carries one from a
 * data tree into a config field.
 */

/** The drag data type of a path dragged from a data tree; the value is the JSONata path. */
export const EXPRESSION_PATH_MIME = 'application/x-patchbay-expression';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** One step of a path: an object key or an array index. */
export type PathSegment = string | number;

/** `root` (`$`, `$trigger`, `$nodes.call`) followed by the segments, quoted where JSONata needs it. */
export function expressionPath(root: string, segments: readonly PathSegment[]): string {
  let path = root;
  for (const segment of segments) {
    if (typeof segment === 'number') path += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) path += `.${segment}`;
    // JSONata quotes a field name with backticks; a backtick inside cannot be escaped.
    else path += `.\`${segment.replaceAll('`', '')}\``;
  }
  return path;
}

/** The root an expression uses for a node's output: `$nodes.<id>`, quoted when the id needs it. */
export function nodeOutputRoot(nodeId: string): string {
  return expressionPath('$nodes', [nodeId]);
}
