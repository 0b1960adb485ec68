/**
 * Drops of a data-tree path onto a plain text input or textarea (a template value in a key/value
 * editor, an expression field before its editor has loaded): the path goes in at the caret.
 */
import type { DragEvent } from 'react';
import { EXPRESSION_PATH_MIME } from '../../editor/run-data/expression-path.ts';
import { type ExpressionFieldKind, insertDroppedPath } from './expression-drop.ts';

type TextElement = HTMLInputElement | HTMLTextAreaElement;

export function pathDropHandlers(
  kind: ExpressionFieldKind,
  text: string,
  onChange: (next: string) => void,
) {
  return {
    onDragOver(event: DragEvent<TextElement>) {
      if (!event.dataTransfer.types.includes(EXPRESSION_PATH_MIME)) return;
      event.preventDefault();
      event.dataTransfer.dropEffect = 'copy';
    },
    onDrop(event: DragEvent<TextElement>) {
      const path = event.dataTransfer.getData(EXPRESSION_PATH_MIME);
      if (!path) return;
      event.preventDefault();
      const at = event.currentTarget.selectionStart ?? text.length;
      onChange(insertDroppedPath(kind, text, at, path).text);
    },
  };
}
