import { Writable } from 'node:stream';
import type { FlowDocument } from '@patchbay/engine';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startTestApp, type TestApp, waitForRun } from '../test-support/test-app.ts';

type LogLine = { level: number; msg: string; [field: string]: unknown };

const lines: LogLine[] = [];
let t: TestApp;

beforeAll(async () => {
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        for (const text of String(chunk).split('\n')) {
          if (text) lines.push(JSON.parse(text) as LogLine);
        }
        done();
      },
    }),
  );
  t = await startTestApp({ logger });
});

afterAll(async () => {
  await t?.close();
});

function flowOf(name: string, expression: string): FlowDocument {
  return {
    version: 1,
    name,
    nodes: [
      { id: 'trigger', type: 'trigger.manual', position: { x: 0, y: 0 }, config: {} },
      {
        id: 'shape',
        type: 'transform.jsonata',
        position: { x: 200, y: 0 },
        config: { expression },
      },
    ],
    edges: [{ id: 'e1', source: 'trigger', target: 'shape' }],
  };
}

describe('execution logs', () => {
  it('put flowId and runId on every line of a run, and nodeId and attempt on its step lines', async () => {
    const ok = await t.client.flows.create.mutate({ name: 'Fine', document: flowOf('Fine', '1') });
    const broken = await t.client.flows.create.mutate({
      name: 'Broken',
      document: flowOf('Broken', '$error("no such order")'),
    });
    const runs = [
      { flowId: ok.id, ...(await t.client.flows.run.mutate({ id: ok.id })) },
      { flowId: broken.id, ...(await t.client.flows.run.mutate({ id: broken.id })) },
    ];
    for (const run of runs) await waitForRun(t.client, run.runId);

    for (const run of runs) {
      await vi.waitFor(() =>
        expect(lines.some((line) => line.runId === run.runId && line.msg === 'Run finished')).toBe(
          true,
        ),
      );
      const ofRun = lines.filter((line) => line.runId === run.runId);
      for (const line of ofRun) expect(line.flowId, line.msg).toBe(run.flowId);
      const steps = ofRun.filter((line) => line.msg.startsWith('Step '));
      expect(steps.length).toBeGreaterThanOrEqual(3);
      for (const line of steps) {
        expect(typeof line.nodeId, line.msg).toBe('string');
        expect(typeof line.attempt, line.msg).toBe('number');
        expect(typeof line.nodeType, line.msg).toBe('string');
      }
    }
    const [fine, failing] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'Step succeeded',
        runId: fine.runId,
        flowId: fine.flowId,
        nodeId: 'shape',
        attempt: 1,
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({
        msg: 'Step attempt failed',
        runId: failing.runId,
        flowId: failing.flowId,
        nodeId: 'shape',
        attempt: 1,
        errorCode: expect.any(String),
      }),
    );
    expect(lines).toContainEqual(
      expect.objectContaining({ msg: 'Run finished', runId: failing.runId, status: 'failed' }),
    );
  });

  it('logs requests at debug, not info', async () => {
    await t.client.flows.list.query();
    const requests = lines.filter((line) => line.msg === 'request completed');
    expect(requests.length).toBeGreaterThan(0);
    for (const line of requests) expect(line.level).toBe(pino.levels.values.debug);
  });
});
