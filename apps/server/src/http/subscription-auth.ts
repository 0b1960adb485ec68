/**
 * Subscriptions (server-sent events, e.g. stats.live) answer 200 and start streaming before tRPC
 * runs the procedure's access check, which would then arrive as an error event in a successful
 * response. This hook checks the session or API token first, so that a request without one gets
 * 401 like any other call; the procedure still checks the role.
 */
import type { FastifyInstance } from 'fastify';
import type { AuthServices } from '../auth/auth-services.ts';
import { credentialsOf } from './request-credentials.ts';
import { sendError, trpcCallOf } from './trpc-error-response.ts';

export function registerSubscriptionAuth(
  app: FastifyInstance,
  options: { trpcPrefix: string; subscriptionPaths: ReadonlySet<string>; auth: AuthServices },
): void {
  const { trpcPrefix, subscriptionPaths, auth } = options;
  app.addHook('preHandler', async (request, reply) => {
    const call = trpcCallOf(request, trpcPrefix);
    if (!call?.paths.some((path) => subscriptionPaths.has(path))) return;
    if ((await auth.authenticate(credentialsOf(request))) !== null) return;
    return sendError(request, reply, trpcPrefix, {
      status: 401,
      code: 'UNAUTHORIZED',
      title: 'Unauthorized',
      message: 'Sign in to continue: this request has no valid session or API token.',
    });
  });
}

/** The paths of a router's subscription procedures. */
export function subscriptionPathsOf(router: {
  _def: { procedures: Record<string, unknown> };
}): Set<string> {
  const paths = new Set<string>();
  for (const [path, procedure] of Object.entries(router._def.procedures)) {
    const type = (procedure as { _def?: { type?: unknown } })._def?.type;
    if (type === 'subscription') paths.add(path);
  }
  return paths;
}
