/** Drawing on the React Flow canvas in browser tests. */
import type { Locator, Page } from 'playwright-core';

/** Drags from one handle to another, as a user connects two nodes. */
export async function connectHandles(page: Page, from: Locator, to: Locator): Promise<void> {
  const a = await from.boundingBox();
  const b = await to.boundingBox();
  if (!a || !b) throw new Error('handle not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 15 });
  await page.mouse.up();
}

/** Drags a connection from a handle and lets go at a point (e.g. on empty canvas). */
export async function dragHandleTo(
  page: Page,
  from: Locator,
  to: { x: number; y: number },
): Promise<void> {
  const a = await from.boundingBox();
  if (!a) throw new Error('handle not visible');
  await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
  await page.mouse.down();
  await page.mouse.move(to.x, to.y, { steps: 15 });
  await page.mouse.up();
}

/** A node's position in flow coordinates (what the document stores), from React Flow's transform. */
export async function nodePosition(page: Page, id: string): Promise<{ x: number; y: number }> {
  const style = await page.locator(`.react-flow__node[data-id="${id}"]`).getAttribute('style');
  const match = style?.match(/translate\((-?[\d.]+)px,\s*(-?[\d.]+)px\)/);
  if (!match) throw new Error(`node ${id}: no position in style "${style}"`);
  return { x: Number(match[1]), y: Number(match[2]) };
}
