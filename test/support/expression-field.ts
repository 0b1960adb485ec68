/**
 * Expression fields (JSONata, templates) in the inspector: a CodeMirror editor whose editable
 * element carries the field's test id, after a plain input has stood in while it loaded.
 */
import type { Locator, Page } from 'playwright-core';

/** The field's CodeMirror editor, once it has loaded. */
export function expressionEditor(page: Page, testId: string): Locator {
  return page.locator(`.cm-content[data-testid="${testId}"]`);
}

/** The text of a field: an input's value, or the lines of an expression editor. */
export function fieldText(field: Locator): Promise<string> {
  return field.evaluate((element) => {
    if (element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement) {
      return element.value;
    }
    return Array.from(element.querySelectorAll('.cm-line'))
      .map((line) => {
        const copy = line.cloneNode(true) as Element;
        for (const placeholder of copy.querySelectorAll('.cm-placeholder')) placeholder.remove();
        return copy.textContent ?? '';
      })
      .join('\n');
  });
}

/** Drops a data-tree path (the inspector's drag payload) on a field, as a drag from a tree would. */
export async function dropExpressionPath(page: Page, field: Locator, path: string): Promise<void> {
  const dataTransfer = await page.evaluateHandle((value) => {
    const transfer = new DataTransfer();
    transfer.setData('application/x-patchbay-expression', value);
    return transfer;
  }, path);
  await field.dispatchEvent('dragover', { dataTransfer });
  await field.dispatchEvent('drop', { dataTransfer });
}
