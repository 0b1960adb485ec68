/**
 * The one initTRPC call. Exports the router and procedure builders, the context type, and the
 * error formatter that carries structured details (flow issues, flattened zod errors) to the UI.
 *
 * Every procedure is built from one of the access builders below, each of which declares its rule
 * in the procedure's meta (`access`): `publicProcedure` (sign-in and setup only), or the least
 * role that may call it. A table-driven test checks every procedure's rule for every role.
 * Mutations by signed-in callers are written to the audit log, allowed or not. Every input is
 * checked for nesting, NUL characters and unpaired surrogates before it is parsed (input-guard.ts).
 *
 * The error formatter is the one place error text leaves the server: an unexpected error is
 * reported as "Something went wrong" with a reference the log carries too (never a stack, a
 * Prisma or a driver message), and an unreachable database as 503 SERVICE_UNAVAILABLE.
 */
import type { ValidationIssue } from '@patchbay/engine';
import { initTRPC, TRPCError } from '@trpc/server';
import { ZodError, z } from 'zod';
import type { AppServices } from '../app-services.ts';
import type { Principal, RequestOrigin } from '../auth/principal.ts';
import { type Role, roleAtLeast } from '../auth/roles.ts';
import { isDatabaseUnavailableError } from '../db/database-unavailable.ts';
import { auditDetails, auditTarget } from './audit-summary.ts';
import {
  DATABASE_UNAVAILABLE_MESSAGE,
  fieldOf,
  issuesOf,
  retryAfterSecondsOf,
  toTRPCError,
} from './domain-error-mapping.ts';
import { errorReference, internalErrorMessage } from './error-reference.ts';
import { inputProblem } from './input-guard.ts';

export type TrpcContext = Pick<
  AppServices,
  | 'flows'
  | 'flowVersions'
  | 'runs'
  | 'registry'
  | 'breakers'
  | 'limits'
  | 'auth'
  | 'queueLoad'
  | 'shedLimits'
  | 'retention'
  | 'webhooks'
  | 'credentials'
  | 'stats'
> & {
  /** flows.testStep and flows.stepTests. */
  stepTests: AppServices['stepTests']['service'];
  /** Who calls: null for a request without a valid session or token. */
  principal: Principal | null;
  origin: RequestOrigin;
};

/** `public`: anyone (sign-in and setup only); a role: that role or a stronger one. */
export type ProcedureAccess = 'public' | Role;

export type ProcedureMeta = {
  /** Set by the access builders below; every procedure has one. */
  access?: ProcedureAccess;
  /** False for mutations that change nothing (flows.validate): they are not audited. */
  audit?: boolean;
  /**
   * Top-level input fields the input guard leaves to the procedure, which reports their problems
   * itself (flows.validate's document, whose problems are validation issues).
   */
  uncheckedInput?: readonly string[];
};

const t = initTRPC
  .context<TrpcContext>()
  .meta<ProcedureMeta>()
  .create({
    // Stacks never travel to clients, in development either.
    isDev: false,
    // Subscriptions (stats.live) over server-sent events: a ping comment every 10 s keeps
    // proxies from closing an idle stream, and a client that hears nothing for 30 s reconnects.
    sse: {
      ping: { enabled: true, intervalMs: 10_000 },
      client: { reconnectAfterInactivityMs: 30_000 },
    },
    errorFormatter({ shape, error }) {
      // An unexpected error says nothing of itself: not its message, nor a zod error of ours.
      const internal = error.code === 'INTERNAL_SERVER_ERROR';
      const issues: ValidationIssue[] | null = internal ? null : issuesOf(error.cause);
      return {
        ...shape,
        message: internal ? internalErrorMessage(errorReference(error)) : shape.message,
        data: {
          ...shape.data,
          issues,
          zodError:
            !internal && error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
          field: fieldOf(error.cause),
          retryAfterSeconds: retryAfterSecondsOf(error.cause),
        },
      };
    },
  });

/**
 * Domain errors thrown by services become TRPCErrors with a precise code here, at the edge; an
 * unreachable database becomes 503 with a message that says so (and nothing of the driver's).
 */
const mapDomainErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (!result.ok) {
    const mapped = toTRPCError(result.error.cause);
    if (mapped) throw mapped;
    if (isDatabaseUnavailableError(result.error.cause)) {
      throw new TRPCError({
        code: 'SERVICE_UNAVAILABLE',
        message: DATABASE_UNAVAILABLE_MESSAGE,
        cause: result.error.cause,
      });
    }
  }
  return result;
});

/** After the access check, before the input is parsed: see input-guard.ts. */
const guardInput = t.middleware(async ({ meta, getRawInput, next }) => {
  const problem = inputProblem(await getRawInput(), meta?.uncheckedInput);
  if (problem) throw problem;
  return next();
});

const auditMutations = t.middleware(async ({ ctx, meta, type, path, getRawInput, next }) => {
  const result = await next();
  if (type !== 'mutation' || meta?.audit === false || !ctx.principal) return result;
  const input = await getRawInput().catch(() => undefined);
  const code = result.ok ? undefined : result.error.code;
  ctx.auth.audit.record({
    actor: ctx.principal,
    action: path,
    target: auditTarget(path, input, result.ok ? result.data : undefined),
    outcome: result.ok ? 'ok' : code === 'FORBIDDEN' ? 'denied' : 'failed',
    errorCode: result.ok ? undefined : (readCode(result.error.cause) ?? code),
    origin: ctx.origin,
    details: auditDetails(input),
  });
  return result;
});

const baseProcedure = t.procedure.use(auditMutations).use(mapDomainErrors);

function restrictedTo(role: Role) {
  return baseProcedure
    .meta({ access: role })
    .use(({ ctx, next }) => {
      const { principal } = ctx;
      if (!principal) {
        throw new TRPCError({
          code: 'UNAUTHORIZED',
          message: 'Sign in to continue: this request has no valid session or API token.',
        });
      }
      if (!roleAtLeast(principal.role, role)) {
        throw new TRPCError({
          code: 'FORBIDDEN',
          message: `Your role (${principal.role}) cannot do this: it takes ${role} or higher.`,
        });
      }
      return next({ ctx: { principal } });
    })
    .use(guardInput);
}

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;
/** Only for sign-in and setup: callable without a session or token. */
export const publicProcedure = baseProcedure.meta({ access: 'public' }).use(guardInput);
/** Reads: flows, runs, dashboards, upstreams. */
export const viewerProcedure = restrictedTo('viewer');
/** Edits, runs, retries and cancels. */
export const editorProcedure = restrictedTo('editor');
/** Manages users, credentials and breakers. */
export const adminProcedure = restrictedTo('admin');
/** Grants and takes away the owner role. */
export const ownerProcedure = restrictedTo('owner');

function readCode(cause: unknown): string | undefined {
  const code = (cause as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}
