/**
 * The authorisation table: every procedure's access rule, checked for every role and for an
 * anonymous caller. A procedure added without a rule (or with another rule) fails here.
 */
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Principal } from '../auth/principal.ts';
import { ROLES, type Role } from '../auth/roles.ts';
import { startTestApp, type TestApp } from '../test-support/test-app.ts';
import { appRouter, createCaller } from './root.ts';
import type { ProcedureAccess } from './trpc.ts';
import { contextFor } from './trpc-context.ts';

const EXPECTED_ACCESS: Record<string, ProcedureAccess> = {
  'flows.list': 'viewer',
  'flows.get': 'viewer',
  'flows.export': 'viewer',
  'flows.validate': 'viewer',
  'flows.create': 'editor',
  'flows.update': 'editor',
  'flows.delete': 'editor',
  'flows.import': 'editor',
  'flows.run': 'editor',
  'flows.setActive': 'editor',
  'flows.purge': 'admin',
  'flows.testStep': 'editor',
  'flows.previewExpression': 'editor',
  'flows.stepTests': 'viewer',
  'flows.versions': 'viewer',
  'flows.version': 'viewer',
  'flows.restoreVersion': 'editor',
  'runs.list': 'viewer',
  'runs.get': 'viewer',
  'runs.value': 'viewer',
  'runs.watch': 'viewer',
  'runs.cancel': 'editor',
  'runs.retry': 'editor',
  'runs.retryMany': 'editor',
  'runs.cancelMany': 'editor',
  'nodeTypes.list': 'viewer',
  'nodeTypes.policySchemas': 'viewer',
  'breakers.list': 'viewer',
  'breakers.get': 'viewer',
  'breakers.reset': 'admin',
  'system.status': 'viewer',
  'system.retention': 'viewer',
  'limits.list': 'viewer',
  'limits.get': 'viewer',
  'auth.setupStatus': 'public',
  'auth.setup': 'public',
  'auth.invitation': 'public',
  'auth.acceptInvite': 'public',
  'auth.me': 'viewer',
  'auth.changePassword': 'viewer',
  'users.list': 'admin',
  'users.create': 'admin',
  'users.invite': 'admin',
  'users.update': 'admin',
  'tokens.list': 'viewer',
  'tokens.create': 'viewer',
  'tokens.revoke': 'viewer',
  'audit.list': 'admin',
  'webhooks.listen': 'editor',
  'credentials.types': 'viewer',
  'credentials.list': 'viewer',
  'credentials.get': 'editor',
  'credentials.test': 'editor',
  'credentials.create': 'admin',
  'credentials.update': 'admin',
  'credentials.delete': 'admin',
  'triggers.schedulePreview': 'viewer',
  'stats.activity': 'viewer',
  'stats.flows': 'viewer',
  'stats.live': 'viewer',
  'stats.nodes': 'viewer',
  'stats.overview': 'viewer',
  'stats.timeseries': 'viewer',
  'stats.topErrors': 'viewer',
  'stats.upstreams': 'viewer',
};

const RANK: Record<Role, number> = { viewer: 0, editor: 1, admin: 2, owner: 3 };

type ProcedureRecord = Record<string, { _def: { meta?: { access?: ProcedureAccess } } }>;
const procedures = appRouter._def.procedures as unknown as ProcedureRecord;

let t: TestApp;
const principals = new Map<Role, Principal>();

beforeAll(async () => {
  t = await startTestApp({ worker: false });
  for (const role of ROLES) principals.set(role, (await t.userWithRole(role)).principal);
});
afterAll(async () => {
  await t?.close();
});

/** Calls a procedure by its path with `{}` as input and returns the tRPC error code, if any. */
async function call(principal: Principal | null, path: string): Promise<string | undefined> {
  const caller = createCaller(contextFor(t.services, principal));
  let target: unknown = caller;
  for (const key of path.split('.')) target = (target as Record<string, unknown>)[key];
  try {
    await (target as (input: unknown) => Promise<unknown>)({});
    return undefined;
  } catch (error) {
    if (error instanceof TRPCError) return error.code;
    throw error;
  }
}

describe('the authorisation table', () => {
  it('gives every procedure the access rule this table expects', () => {
    const actual = Object.fromEntries(
      Object.entries(procedures).map(([path, procedure]) => [path, procedure._def.meta?.access]),
    );
    expect(actual).toEqual(EXPECTED_ACCESS);
  });

  it('refuses every procedure but sign-in and setup to an anonymous caller', async () => {
    for (const [path, access] of Object.entries(EXPECTED_ACCESS)) {
      const code = await call(null, path);
      if (access === 'public') expect([path, code]).not.toEqual([path, 'UNAUTHORIZED']);
      else expect([path, code]).toEqual([path, 'UNAUTHORIZED']);
    }
  });

  for (const role of ROLES) {
    it(`lets a ${role} call exactly the procedures its role allows`, async () => {
      const principal = principals.get(role) ?? null;
      for (const [path, access] of Object.entries(EXPECTED_ACCESS)) {
        const code = await call(principal, path);
        const allowed = access === 'public' || RANK[role] >= RANK[access];
        if (allowed) {
          expect([path, code]).not.toEqual([path, 'FORBIDDEN']);
          expect([path, code]).not.toEqual([path, 'UNAUTHORIZED']);
        } else {
          expect([path, code]).toEqual([path, 'FORBIDDEN']);
        }
      }
    });
  }
});
