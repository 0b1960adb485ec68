import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';
import { precompressAssets } from './precompress-assets.ts';

const api = 'http://127.0.0.1:3000';
// The API answers only for its own Host and Origin (DNS-rebinding and CSRF guards): the dev proxy
// presents requests as coming from the API's own address.
const toApi: ProxyOptions = {
  target: api,
  changeOrigin: true,
  headers: { origin: api },
};

/**
 * A script inside one of these packages (pnpm nests them as node_modules/<name>/). Stylesheets are
 * left out: main.tsx imports @xyflow's CSS, and grouping it would pull the canvas chunk into the
 * first load.
 */
const inPackages = (...names: string[]) =>
  new RegExp(`[\\\\/]node_modules[\\\\/](${names.join('|')})[\\\\/](?!.*\\.css$)`);

export default defineConfig({
  plugins: [react(), precompressAssets()],
  server: {
    port: 5173,
    proxy: { '/trpc': toApi, '/auth': toApi, '/healthz': toApi },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    // dist/.vite/manifest.json: which chunks each page loads (the bundle budget test reads it).
    manifest: true,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own, each under the 500 kB warning limit, cached by the
        // browser across releases of the app code. The canvas and the charts are only imported by
        // lazily loaded pages, so their chunks stay out of the first load; `vendor` holds what the
        // shell needs (router, zustand for toasts) and anything else not named here.
        codeSplitting: {
          groups: [
            {
              name: 'react',
              // use-sync-external-store is shared by wouter and @xyflow: left to the canvas group,
              // it would make the shell import the canvas chunk.
              test: inPackages('react', 'react-dom', 'scheduler', 'use-sync-external-store'),
              priority: 30,
            },
            { name: 'canvas', test: inPackages('@xyflow', 'd3-[a-z-]+', 'classcat'), priority: 20 },
            { name: 'charts', test: inPackages('uplot'), priority: 20 },
            // ELK (auto-layout) is imported on first use only; about 1.6 MB, over the warning limit.
            { name: 'layout', test: inPackages('elkjs'), priority: 20 },
            // The expression editor, loaded when a JSONata or template field is first shown.
            {
              name: 'codemirror',
              test: inPackages(
                '@codemirror',
                '@lezer',
                'style-mod',
                'w3c-keyname',
                'crelt',
                '@marijn',
              ),
              priority: 20,
            },
            { name: 'zod', test: inPackages('zod'), priority: 20 },
            { name: 'data', test: inPackages('@tanstack', '@trpc'), priority: 20 },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
