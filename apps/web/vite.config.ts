import react from '@vitejs/plugin-react';
import { defineConfig, type ProxyOptions } from 'vite';

const api = 'http://127.0.0.1:3000';
// The API answers only for its own Host and Origin (DNS-rebinding and CSRF guards): the dev proxy
// presents requests as coming from the API's own address.
const toApi: ProxyOptions = {
  target: api,
  changeOrigin: true,
  headers: { origin: api },
};

export default defineConfig({
  plugins: [react()],
  server: {
    port: 5173,
    proxy: { '/trpc': toApi, '/auth': toApi, '/healthz': toApi },
  },
  build: { outDir: 'dist', sourcemap: true },
});
