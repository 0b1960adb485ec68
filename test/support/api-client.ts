/** A tRPC client for a running Patchbay, plus helpers to create flows and await runs. */
import type { FlowDocument } from '@patchbay/engine';
import type { AppRouter } from '@patchbay/server';
import { createTRPCClient, httpBatchLink, type TRPCClient } from '@trpc/client';
import pg from 'pg';
import { secretCheckingFetch } from './secret-leak-check.ts';
import type { Credentials } from './server-process.ts';

export type Api = TRPCClient<AppRouter>;

/** Signs in over HTTP as the browser does and returns the session cookie ("patchbay_session=…"). */
export async function signIn(baseUrl: string, credentials: Credentials): Promise<string> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: baseUrl },
    body: JSON.stringify(credentials),
  });
  const cookie = /^(patchbay_session=[^;]+)/.exec(response.headers.get('set-cookie') ?? '')?.[1];
  if (!response.ok || !cookie) {
    throw new Error(
      `sign-in as ${credentials.email} failed: ${response.status} ${await response.text()}`,
    );
  }
  return cookie;
}

/** A tRPC client signed in as the server's owner (session cookie, sent from the site's origin). */
export async function createApi(server: { baseUrl: string; admin: Credentials }): Promise<Api> {
  const cookie = await signIn(server.baseUrl, server.admin);
  return createTRPCClient<AppRouter>({
    links: [
      httpBatchLink({
        url: `${server.baseUrl}/trpc`,
        maxURLLength: 4000,
        maxItems: 20,
        headers: { cookie, origin: server.baseUrl },
        // Fails any response that carries a credential secret this client sent.
        fetch: secretCheckingFetch(server.baseUrl, { cookie, origin: server.baseUrl }),
      }),
    ],
  });
}

/** Imports a flow document and returns the new flow's id. */
export async function importFlow(api: Api, document: FlowDocument): Promise<string> {
  const flow = await api.flows.import.mutate({ document });
  return flow.id;
}

const FINAL = ['succeeded', 'failed', 'cancelled'];

/** Polls the database until every listed run is final (bounded), and returns their statuses. */
export async function waitForRunsFinal(
  databaseUrl: string,
  runIds: readonly string[],
  timeoutMs: number,
): Promise<Map<string, string>> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await db.query<{ id: string; status: string }>(
        'SELECT id, status FROM runs WHERE id = ANY($1::uuid[])',
        [runIds],
      );
      const statuses = new Map(rows.map((row) => [row.id, row.status]));
      const pending = runIds.filter((id) => !FINAL.includes(statuses.get(id) ?? ''));
      if (pending.length === 0) return statuses;
      if (Date.now() > deadline) {
        throw new Error(
          `${pending.length} of ${runIds.length} runs not final after ${timeoutMs} ms (e.g. ${pending[0]}: ${statuses.get(pending[0] ?? '') ?? 'missing'})`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  } finally {
    await db.end();
  }
}

/** A straight chain: trigger -> each given node in order. */
export function chainFlow(
  name: string,
  nodes: Omit<FlowDocument['nodes'][number], 'position'>[],
  settings?: FlowDocument['settings'],
): FlowDocument {
  const all = [
    { id: 'trigger', type: 'trigger.manual', config: {} },
    ...nodes,
  ] as FlowDocument['nodes'];
  return {
    version: 1,
    name,
    nodes: all.map((node, i) => ({ ...node, position: { x: i * 320, y: 0 } })),
    edges: all.slice(1).map((node, i) => ({
      id: `e${i + 1}`,
      source: all[i]!.id,
      target: node.id,
    })),
    ...(settings ? { settings } : {}),
  };
}
