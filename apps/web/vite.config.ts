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

/** A module path inside one of these packages (pnpm nests them as node_modules/<name>/). */
const inPackages = (...names: string[]) =>
  new RegExp(`[\\\\/]node_modules[\\\\/](${names.join('|')})[\\\\/]`);

export default defineConfig({
  plugins: [react(), precompressAssets()],
  server: {
    port: 5173,
    proxy: { '/trpc': toApi, '/auth': toApi, '/healthz': toApi },
  },
  build: {
    outDir: 'dist',
    sourcemap: true,
    rolldownOptions: {
      output: {
        // Libraries in chunks of their own, each under the 500 kB warning limit, cached by the
        // browser across releases of the app code.
        codeSplitting: {
          groups: [
            { name: 'react', test: inPackages('react', 'react-dom', 'scheduler'), priority: 30 },
            {
              name: 'canvas',
              test: inPackages('@xyflow', 'd3-[a-z-]+', 'classcat', 'zustand'),
              priority: 20,
            },
            { name: 'data', test: inPackages('@tanstack', '@trpc'), priority: 20 },
            { name: 'vendor', test: /[\\/]node_modules[\\/]/, priority: 10 },
          ],
        },
      },
    },
  },
});
