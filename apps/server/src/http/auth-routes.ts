/**
 * POST /auth/login takes JSON `{ email, password }` and sets the session cookie (httpOnly,
 * SameSite=Lax, Secure behind https); POST /auth/logout ends the session and clears it. Errors are
 * JSON `{ error, code, message }` with 400, 401 or 429 (with Retry-After).
 */
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { AuthServices } from '../auth/auth-services.ts';
import { TooManyAttemptsError, UnauthenticatedError } from '../domain-errors.ts';
import { inputProblem } from '../trpc/input-guard.ts';
import { credentialsOf, originOf, SESSION_COOKIE } from './request-credentials.ts';

const loginBody = z.object(
  {
    email: z
      .string({ error: 'email: enter your email address' })
      .trim()
      .min(1, 'email: enter your email address')
      .max(320, 'email: too long'),
    password: z
      .string({ error: 'password: enter your password' })
      .min(1, 'password: enter your password')
      .max(256, 'password: too long'),
  },
  { error: 'Send JSON { "email": …, "password": … }' },
);

export function registerAuthRoutes(app: FastifyInstance, auth: AuthServices): void {
  app.post('/auth/login', async (request, reply) => {
    // The same check every tRPC input gets: no NUL, unpaired surrogate or deep nesting.
    const problem = inputProblem(request.body);
    if (problem) {
      return reply
        .code(400)
        .send({ error: 'Bad Request', code: 'BAD_REQUEST', message: problem.message });
    }
    const parsed = loginBody.safeParse(request.body);
    if (!parsed.success) {
      return reply.code(400).send({
        error: 'Bad Request',
        code: 'BAD_REQUEST',
        message: parsed.error.issues[0]?.message ?? 'Send JSON { "email": …, "password": … }',
      });
    }
    try {
      const { session, user } = await auth.signIn.signIn(parsed.data, originOf(request));
      setSessionCookie(reply, session.secret, session.expiresAt, auth.config.secureCookies);
      return { user: { id: user.id, email: user.email, name: user.name, role: user.role } };
    } catch (error) {
      if (error instanceof TooManyAttemptsError) {
        reply.header('retry-after', String(Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
        return reply
          .code(429)
          .send({ error: 'Too Many Requests', code: error.code, message: error.message });
      }
      if (error instanceof UnauthenticatedError) {
        return reply
          .code(401)
          .send({ error: 'Unauthorized', code: 'INVALID_CREDENTIALS', message: error.message });
      }
      throw error;
    }
  });

  app.post('/auth/logout', async (request, reply) => {
    const { session } = credentialsOf(request);
    if (session) {
      const principal = await auth.sessions.authenticate(session);
      await auth.signIn.signOut(session, principal, originOf(request));
    }
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return { signedOut: true };
  });
}

function setSessionCookie(reply: FastifyReply, secret: string, expires: Date, secure: boolean) {
  reply.setCookie(SESSION_COOKIE, secret, {
    path: '/',
    httpOnly: true,
    sameSite: 'lax',
    secure,
    expires,
  });
}
