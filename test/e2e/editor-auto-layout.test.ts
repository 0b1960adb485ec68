/**
 * Issue 9's auto-layout through a real browser: a tangled flow laid out from the toolbar comes
 * out left to right with nothing overlapping, Ctrl+Z puts every node back exactly and Ctrl+Shift+Z
 * lays it out again; laying out a selection (Shift+Alt+L) leaves the other nodes where they were.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFlow } from '../support/api-client.ts';
import { useBrowserApp } from '../support/browser-app.ts';
import { nodePosition } from '../support/canvas.ts';

const node = (
  id: string,
  type: string,
  x: number,
  y: number,
  config: Record<string, unknown> = {},
) => ({
  id,
  type,
  position: { x, y },
  config,
});
const jsonata = (id: string, x: number, y: number) =>
  node(id, 'transform.jsonata', x, y, { expression: '$' });

const app = useBrowserApp({ viewport: { width: 1600, height: 1000 } });

beforeAll(async () => {});

afterAll(async () => {});

async function positions(ids: readonly string[]) {
  return Promise.all(ids.map((id) => nodePosition(app.page, id)));
}

async function boxes(ids: readonly string[]) {
  return Promise.all(
    ids.map(async (id) => {
      const box = await app.page.getByTestId(`node-${id}`).boundingBox();
      if (!box) throw new Error(`node ${id} not visible`);
      return box;
    }),
  );
}

/** ELK is fetched and compiled on first use: on a busy machine that takes a few seconds. */
const LAYOUT_DONE = { timeout: 15_000 };

type Box = { x: number; y: number; width: number; height: number };
const overlap = (a: Box, b: Box) =>
  a.x < b.x + b.width && b.x < a.x + a.width && a.y < b.y + b.height && b.y < a.y + a.height;

describe('auto-layout', () => {
  it('untangles the whole flow left to right, undone and redone as one step', async () => {
    // Every node stacked on (nearly) the same spot.
    const flowId = await importFlow(app.api, {
      version: 1,
      name: 'Tangled',
      nodes: [
        node('trigger', 'trigger.manual', 40, 40),
        node('check', 'logic.if', 48, 32, { condition: 'true' }),
        jsonata('yes', 32, 48),
        jsonata('no', 40, 48),
        node('send', 'http.request', 44, 36, { url: 'https://example.test/send' }),
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'check' },
        { id: 'e2', source: 'check', sourceHandle: 'false', target: 'no' },
        { id: 'e3', source: 'check', sourceHandle: 'true', target: 'yes' },
        { id: 'e4', source: 'yes', target: 'send' },
        { id: 'e5', source: 'no', target: 'send' },
      ],
    });
    const ids = ['trigger', 'check', 'yes', 'no', 'send'];
    await app.page.goto(`${app.server.baseUrl}/flows/${flowId}`);
    await app.page.getByTestId('node-send').waitFor();
    const before = await positions(ids);

    const button = app.page.getByTestId('auto-layout');
    expect(await button.textContent()).toContain('Auto-layout');
    await button.click();
    await expect
      .poll(async () => (await nodePosition(app.page, 'send')).x, LAYOUT_DONE)
      .toBeGreaterThan(before[4]?.x ?? 0);

    const laidOut = await positions(ids);
    const [trigger, check, yes, no, send] = laidOut.map((p) => p.x);
    expect(trigger).toBeLessThan(check ?? 0);
    expect(check).toBeLessThan(yes ?? 0);
    expect(yes).toBe(no);
    expect(yes).toBeLessThan(send ?? 0);
    // The If's true port is above its false port, and so are their branches.
    expect(laidOut[2]?.y).toBeLessThan(laidOut[3]?.y ?? 0);
    const onScreen = await boxes(ids);
    for (const [i, a] of onScreen.entries()) {
      for (const b of onScreen.slice(i + 1)) expect(overlap(a, b)).toBe(false);
    }
    expect(await app.page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('true');

    await app.page.keyboard.press('Control+z');
    await expect.poll(() => positions(ids)).toEqual(before);
    expect(await app.page.getByTestId('dirty-indicator').getAttribute('data-dirty')).toBe('false');
    await app.page.keyboard.press('Control+Shift+z');
    await expect.poll(() => positions(ids)).toEqual(laidOut);
  });

  it('lays out only the selected nodes with Shift+Alt+L, keeping the rest in place', async () => {
    const flowId = await importFlow(app.api, {
      version: 1,
      name: 'Partly tangled',
      nodes: [
        node('trigger', 'trigger.manual', 0, 0),
        // A chain drawn right to left, the wrong way round.
        jsonata('first', 900, 300),
        jsonata('second', 600, 320),
        jsonata('third', 300, 340),
      ],
      edges: [
        { id: 'e1', source: 'trigger', target: 'first' },
        { id: 'e2', source: 'first', target: 'second' },
        { id: 'e3', source: 'second', target: 'third' },
      ],
    });
    await app.page.goto(`${app.server.baseUrl}/flows/${flowId}`);
    await app.page.getByTestId('node-third').waitFor();
    const triggerBefore = await nodePosition(app.page, 'trigger');

    await app.page.getByTestId('node-first').click();
    await app.page.getByTestId('node-second').click({ modifiers: ['Control'] });
    await app.page.getByTestId('node-third').click({ modifiers: ['Control'] });
    await expect
      .poll(() => app.page.getByTestId('auto-layout').textContent())
      .toContain('Auto-layout selection');

    await app.page.keyboard.press('Shift+Alt+L');
    await expect
      .poll(async () => (await nodePosition(app.page, 'third')).x, LAYOUT_DONE)
      .toBeGreaterThan((await nodePosition(app.page, 'second')).x);
    const [first, second, third] = await positions(['first', 'second', 'third']);
    expect(first?.x).toBeLessThan(second?.x ?? 0);
    // The group keeps its top-left corner.
    expect(first?.x).toBe(300);
    expect(Math.min(first?.y ?? 0, second?.y ?? 0, third?.y ?? 0)).toBe(300);
    expect(await nodePosition(app.page, 'trigger')).toEqual(triggerBefore);

    await app.page.keyboard.press('Control+z');
    await expect
      .poll(() => positions(['first', 'second', 'third']))
      .toEqual([
        { x: 900, y: 300 },
        { x: 600, y: 320 },
        { x: 300, y: 340 },
      ]);

    // The same from the context menu of a node in the selection.
    await app.page.getByTestId('node-second').click({ button: 'right' });
    const item = app.page.getByTestId('context-auto-layout');
    expect(await item.textContent()).toContain('Auto-layout selection');
    await item.click();
    await expect
      .poll(() => positions(['first', 'second', 'third']), LAYOUT_DONE)
      .toEqual([first, second, third]);
    expect(await nodePosition(app.page, 'trigger')).toEqual(triggerBefore);
  });
});
