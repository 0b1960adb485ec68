import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDefaultRegistry } from './default-registry.ts';
import { executeFlow } from './executor.ts';
import type { StepEvent } from './step-event.ts';
import { type LocalHttpServer, startLocalHttpServer } from './test-support/local-http-server.ts';
import { validateFlow } from './validate-flow.ts';

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

let server: LocalHttpServer;
beforeAll(async () => {
  server = await startLocalHttpServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify({ orders: ORDERS }));
  });
});
afterAll(() => server.close());

describe('the example in docs/flow-format.md', () => {
  it('is a valid flow', () => {
    expect(validateFlow(documentedExample(), createDefaultRegistry())).toMatchObject({ ok: true });
  });

  it('runs end to end against a real HTTP server and keeps the paid orders', async () => {
    const document = documentedExample();
    const fetchNode = document.nodes.find((node) => node.id === 'fetch')!;
    expect(fetchNode.config.url).toBe('http://127.0.0.1:9000/orders');
    fetchNode.config.url = `${server.baseUrl}/orders`;
    const result = validateFlow(document, createDefaultRegistry());
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
    expect(server.requests[0]?.headers['idempotency-key']).toBe('run-doc:fetch');
  });
});
