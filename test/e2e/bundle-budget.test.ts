/**
 * Issue 9's size budget on the built web app: the first load (the entry script and every chunk it
 * imports statically, the same set index.html preloads) stays under 250 KB of Brotli, and the
 * editor's canvas and the dashboard's charts arrive only with their pages, CodeMirror only with
 * the first expression field, and ELK (auto-layout) only when it is first used.
 * Runs after `pnpm --filter @patchbay/web build` (test:e2e builds first).
 */
import { describe, expect, it } from 'vitest';
import {
  entryKey,
  kib,
  readManifest,
  routeLoads,
  scriptsInIndexHtml,
  staticClosure,
} from '../support/web-bundle.ts';

const BUDGET_BYTES = 250_000;
const manifest = readManifest();
const loads = routeLoads(manifest);

describe('the web bundle', () => {
  it('preloads in index.html exactly the chunks the entry imports statically', () => {
    const closure = [...staticClosure(manifest, entryKey(manifest))].map(
      (key) => manifest[key]?.file,
    );
    expect(scriptsInIndexHtml().sort()).toEqual(closure.sort());
  });

  it(`keeps the first load under ${BUDGET_BYTES / 1000} KB of Brotli`, () => {
    console.info(`first-load JS: ${kib(loads.first.brotliBytes)} Brotli`, loads.first.chunkNames);
    expect(loads.first.brotliBytes).toBeGreaterThan(0);
    expect(loads.first.brotliBytes).toBeLessThan(BUDGET_BYTES);
  });

  it('leaves the canvas, the charts and the pages out of the first load', () => {
    expect(loads.first.chunkNames).not.toContain('canvas');
    expect(loads.first.chunkNames).not.toContain('charts');
    expect(loads.first.chunkNames).not.toContain('codemirror');
    expect(loads.first.chunkNames.filter((name) => name.endsWith('-page'))).toEqual([]);
  });

  it('loads the canvas with the editor and the charts with the dashboard', () => {
    const route = (name: string) => loads.routes.find((load) => load.route === name);
    expect(route('/flows/:id (editor)')?.chunkNames).toContain('canvas');
    expect(route('/ (dashboard)')?.chunkNames).toContain('charts');
    expect(route('/credentials')?.chunkNames).not.toContain('canvas');
    // Imported dynamically by the editor's auto-layout command, not with the page.
    expect(loads.first.chunkNames).not.toContain('layout');
    expect(route('/flows/:id (editor)')?.chunkNames).not.toContain('layout');
  });

  it('loads CodeMirror only when an expression field is shown, not with the editor page', () => {
    const editor = loads.routes.find((load) => load.route === '/flows/:id (editor)');
    expect(editor?.chunkNames).toBeDefined();
    expect(editor?.chunkNames).not.toContain('codemirror');
    expect(Object.values(manifest).some((chunk) => chunk.name === 'codemirror')).toBe(true);
  });
});
