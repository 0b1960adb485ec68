import { describe, expect, it } from 'vitest';
import { failedRunSummary } from './error-flow.ts';

const row = {
  id: '6f1c2a8e-0000-4000-8000-000000000001',
  flow_id: '6f1c2a8e-0000-4000-8000-000000000002',
  flow_name: 'Orders',
  trigger: 'schedule',
  status: 'failed',
  error: {
    code: 'HTTP_500',
    message: 'The upstream answered 500',
    nodeId: 'post',
    retryable: true,
  },
  started_at: new Date('2026-12-04T06:00:00.000Z'),
  finished_at: new Date('2026-12-04T06:00:01.500Z'),
  duration_ms: 1500,
  error_flow_id: '6f1c2a8e-0000-4000-8000-000000000003',
  nodes: [
    { id: 'trigger', type: 'trigger.schedule' },
    { id: 'post', type: 'http.request', label: 'Post the order' },
  ],
};

describe('failedRunSummary', () => {
  it('names the failed node by id and label, and links the run under the public URL', () => {
    expect(failedRunSummary(row, new URL('https://patchbay.example.com'))).toEqual({
      id: row.id,
      flowId: row.flow_id,
      flowName: 'Orders',
      trigger: 'schedule',
      status: 'failed',
      error: { code: 'HTTP_500', message: 'The upstream answered 500' },
      failedNodeId: 'post',
      failedNodeLabel: 'Post the order',
      startedAt: '2026-12-04T06:00:00.000Z',
      finishedAt: '2026-12-04T06:00:01.500Z',
      durationMs: 1500,
      url: `https://patchbay.example.com/runs/${row.id}`,
    });
  });

  it('has null for what it cannot know: no public URL, no failed node, a node without label', () => {
    expect(
      failedRunSummary({ ...row, error: { code: 'RUN_TIMEOUT', message: 'late' } }, undefined),
    ).toMatchObject({ failedNodeId: null, failedNodeLabel: null, url: null });
    const unlabelled = failedRunSummary(
      { ...row, error: { ...row.error, nodeId: 'trigger' } },
      undefined,
    );
    expect(unlabelled).toMatchObject({ failedNodeId: 'trigger', failedNodeLabel: null });
  });

  it('still describes a run whose stored error is not the usual shape', () => {
    expect(failedRunSummary({ ...row, error: 'boom', started_at: null }, undefined)).toMatchObject({
      error: { code: 'UNKNOWN', message: 'The run failed without an error message' },
      startedAt: null,
    });
  });
});
