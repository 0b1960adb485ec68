/**
 * Serves the built web app (apps/web/dist) with SPA fallback to index.html. The build writes a
 * Brotli and a gzip copy beside each text file (apps/web/precompress-assets.ts); the copy the
 * request's Accept-Encoding prefers is sent as it is, with Content-Encoding and
 * Vary: Accept-Encoding, and the plain file to clients that accept neither.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

export async function registerWebApp(
  app: FastifyInstance,
  distDir: string,
  trpcPrefix: string,
): Promise<void> {
  const indexHtml = path.join(distDir, 'index.html');
  if (!existsSync(indexHtml)) {
    app.log.warn(
      { distDir },
      'The web app is not built, so only the API is served. Build it with `pnpm --filter @patchbay/web build` (or run `pnpm start` from the repository root).',
    );
    app.setNotFoundHandler((request, reply) => {
      if (request.method === 'GET' && !request.url.startsWith(trpcPrefix)) {
        return reply
          .code(503)
          .type('text/plain')
          .send(
            `Patchbay's web app is not built (${distDir} is missing).\nRun: pnpm --filter @patchbay/web build\n`,
          );
      }
      return reply.code(404).send({ error: 'Not Found', message: `${request.url} does not exist` });
    });
    return;
  }

  await app.register(fastifyStatic, {
    root: distDir,
    preCompressed: true,
    cacheControl: false,
    setHeaders(reply, filePath) {
      // Vite fingerprints everything under assets/; index.html must always be revalidated.
      const immutable = filePath.includes(`${path.sep}assets${path.sep}`);
      reply.header('cache-control', immutable ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });

  app.setNotFoundHandler((request, reply) => {
    const pathname = request.url.split('?')[0] ?? '/';
    const isPageRequest =
      request.method === 'GET' &&
      !pathname.startsWith(trpcPrefix) &&
      path.posix.extname(pathname) === '';
    if (isPageRequest) {
      return reply.header('cache-control', 'no-cache').sendFile('index.html');
    }
    return reply.code(404).send({ error: 'Not Found', message: `${pathname} does not exist` });
  });
}
