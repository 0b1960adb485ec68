/**
 * What a path dropped on a config field (EXPRESSION_PATH_MIME, from the inspector's data trees)
 * inserts: the path itself in a JSONata field, or inside a template's `{{ }}`; `{{ path }}`
 * elsewhere in a template.
 */
import { templateExpressionAt } from './expression-syntax.ts';

export type ExpressionFieldKind = 'jsonata' | 'template';

/** The text to insert for `path` dropped at `at` in `text`. */
export function droppedPathText(
  kind: ExpressionFieldKind,
  text: string,
  at: number,
  path: string,
): string {
  if (kind === 'jsonata' || templateExpressionAt(text, at) !== undefined) return path;
  return `{{ ${path} }}`;
}

/** `text` with the dropped path inserted at `at`, and where the cursor goes after it. */
export function insertDroppedPath(
  kind: ExpressionFieldKind,
  text: string,
  at: number,
  path: string,
): { text: string; cursor: number } {
  const position = Math.max(0, Math.min(at, text.length));
  const insert = droppedPathText(kind, text, position, path);
  return {
    text: text.slice(0, position) + insert + text.slice(position),
    cursor: position + insert.length,
  };
}
