import { readFileSync } from 'node:fs';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { executeFlow, type StepEvent, validateFlow } from '@patchbay/engine';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConnectorRegistry, shippedConnectors } from './connectors.ts';

/** The first JSON block of docs/flow-format.md, so the documented example cannot rot. */
function documentedExample(): { nodes: { id: string; config: Record<string, unknown> }[] } {
  const markdown = readFileSync(new URL('../../../docs/flow-format.md', import.meta.url), 'utf8');
  const block = /```json\n([\s\S]*?)\n```/.exec(markdown)?.[1];
  if (!block) throw new Error('docs/flow-format.md has no JSON example');
  return JSON.parse(block);
}

const ORDERS = [
  { id: 1, status: 'paid', total: 10 },
  { id: 2, status: 'open', total: 20 },
  { id: 3, status: 'paid', total: 30 },
];

/** The documented flow runs on the shipped connectors, as the server composes them. */
const registry = createConnectorRegistry(shippedConnectors({ fetch: globalThis.fetch })).nodeTypes;

const requests: IncomingHttpHeaders[] = [];
const server = createServer((request, response) => {
  requests.push(request.headers);
  response.writeHead(200, { 'content-type': 'application/json' });
  response.end(JSON.stringify({ orders: ORDERS }));
});
let baseUrl = '';
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('the example in docs/flow-format.md', () => {
  it('is a valid flow', () => {
    expect(validateFlow(documentedExample(), registry)).toMatchObject({ ok: true });
  });

  it('runs end to end against a real HTTP server and keeps the paid orders', async () => {
    const document = documentedExample();
    const fetchNode = document.nodes.find((node) => node.id === 'fetch')!;
    expect(fetchNode.config.url).toBe('http://127.0.0.1:9000/orders');
    fetchNode.config.url = `${baseUrl}/orders`;
    const result = validateFlow(document, registry);
    if (!result.ok) throw new Error(JSON.stringify(result.issues));

    const events: StepEvent[] = [];
    const outcome = await executeFlow({
      flow: result.flow,
      runId: 'run-doc',
      onEvent: async (event) => {
        events.push(event);
      },
    });

    expect(outcome.status).toBe('succeeded');
    expect(outcome.outputs.paid).toEqual([ORDERS[0], ORDERS[2]]);
    expect(events.map((event) => `${event.type}:${event.nodeId}`)).toEqual([
      'step.started:trigger',
      'step.succeeded:trigger',
      'step.started:fetch',
      'step.succeeded:fetch',
      'step.started:paid',
      'step.succeeded:paid',
    ]);
    expect(requests[0]?.['idempotency-key']).toBe('run-doc:fetch');
  });
});
