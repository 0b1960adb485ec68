/**
 * Expression fields (JSONata, templates) in the inspector: a CodeMirror editor whose editable
 * element carries the field's test id, after a plain input has stood in while it loaded.
 */
import type { Locator, Page } from 'playwright-core';

/** The drag data type of a path (apps/web/src/editor/run-data/expression-path.ts). */
const EXPRESSION_PATH_MIME = 'application/x-patchbay-expression';

/** The field's CodeMirror editor, once it has loaded. */
export function expressionEditor(page: Page, testId: string): Locator {
  return page.locator(`.cm-content[data-testid="${testId}"]`);
}

/** The text of a field: an input's value, or the lines of an expression editor. */
export async function fieldText(field: Locator): Promise<string> {
  if ((await field.getAttribute('contenteditable')) === null) return field.inputValue();
  if ((await field.locator('.cm-placeholder').count()) > 0) return '';
  return (await field.locator('.cm-line').allTextContents()).join('\n');
}

/** Drops a data-tree path (the inspector's drag payload) on a field, as a drag from a tree would. */
export async function dropExpressionPath(page: Page, field: Locator, path: string): Promise<void> {
  // A string: this package's tsconfig has no DOM types.
  const dataTransfer = await page.evaluateHandle(
    `(() => { const transfer = new DataTransfer(); transfer.setData(${JSON.stringify(EXPRESSION_PATH_MIME)}, ${JSON.stringify(path)}); return transfer; })()`,
  );
  await field.dispatchEvent('dragover', { dataTransfer });
  await field.dispatchEvent('drop', { dataTransfer });
}

/**
 * Replaces an expression field's text as a user would: select all, then one insertion (like a
 * paste). Playwright's `fill` sets the DOM selection itself, which CodeMirror may not have read
 * yet when the text arrives.
 */
export async function fillExpression(page: Page, testId: string, text: string): Promise<void> {
  const editor = expressionEditor(page, testId);
  await editor.click();
  await page.keyboard.press('ControlOrMeta+a');
  if (text === '') await page.keyboard.press('Delete');
  else await page.keyboard.insertText(text);
}
