/**
 * Prints the first-load JavaScript of the built web app per route as a Markdown table (the
 * "Web bundle" section of docs/benchmarks.md). Build first: pnpm --filter @patchbay/web build.
 */
import { kib, readManifest, routeLoads } from '../support/web-bundle.ts';

const loads = routeLoads(readManifest());
const lines = [
  '| Route | First-load JS (Brotli) | Chunks |',
  '| --- | ---: | ---: |',
  `| shell only (sign-in, before any page) | ${kib(loads.first.brotliBytes)} | ${loads.first.files.length} |`,
  ...loads.routes.map(
    (load) => `| ${load.route} | ${kib(load.brotliBytes)} | ${load.files.length} |`,
  ),
];
console.log(lines.join('\n'));
