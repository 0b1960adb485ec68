import { beforeEach, describe, expect, it } from 'vitest';
import type { RunDetail } from '../../api/types.ts';
import { runSummary } from '../../test-support/run-summary-fixture.ts';
import { stepRun } from '../../test-support/step-run-fixture.ts';
import { selectNodeRun, selectShownRunKind, useEditorRunStore } from './editor-run-store.ts';
import { expressionScopeOf, runDataOf, takenEdgeKey } from './node-run-data.ts';

function runDetail(partial: Partial<RunDetail> & Pick<RunDetail, 'id'>): RunDetail {
  return {
    ...runSummary({ id: partial.id }),
    document: {
      version: 1,
      name: 'Orders',
      nodes: [],
      edges: [],
    } as unknown as RunDetail['document'],
    input: { orderId: 7 },
    inputTruncated: false,
    executions: 1,
    retryOfRunId: null,
    retryMode: null,
    idempotencyKey: null,
    wakeAt: null,
    cancelRequestedAt: null,
    deadlineAt: null,
    stepDataPrunedAt: null,
    steps: [],
    ...partial,
  };
}

const steps = [
  stepRun({ nodeId: 'trigger', status: 'succeeded', output: { orderId: 7 }, seq: 1 }),
  stepRun({ nodeId: 'call', status: 'failed', attempt: 1, seq: 2, output: null }),
  stepRun({ nodeId: 'check', status: 'skipped', seq: 3 }),
  stepRun({ nodeId: 'call', status: 'succeeded', attempt: 2, seq: 4, output: { ok: true } }),
];

describe('runDataOf', () => {
  it('keeps each node’s latest attempt and counts its attempts', () => {
    const data = runDataOf(runDetail({ id: 'r1', steps }));
    expect([...data.byNode.keys()]).toEqual(['trigger', 'call', 'check']);
    expect(data.byNode.get('call')?.step.attempt).toBe(2);
    expect(data.byNode.get('call')?.attempts).toBe(2);
  });

  it('scopes expressions to the trigger input and the outputs of succeeded nodes only', () => {
    const scope = expressionScopeOf(runDataOf(runDetail({ id: 'r1', steps })));
    expect(scope.trigger).toEqual({ orderId: 7 });
    expect({ ...scope.nodes }).toEqual({ trigger: { orderId: 7 }, call: { ok: true } });
  });
});

describe('takenEdgeKey', () => {
  it('lists the edges the run followed, and none without a run', () => {
    const edges = [
      { id: 'e1', source: 'trigger', target: 'call' },
      { id: 'e2', source: 'call', target: 'check' },
      { id: 'e3', source: 'check', target: 'notify', sourceHandle: 'true' },
    ];
    // check was skipped: the edge into it was not followed.
    expect(takenEdgeKey(runDataOf(runDetail({ id: 'r1', steps })), edges)).toBe('e1');
    expect(takenEdgeKey(null, edges)).toBe('');
  });
});

describe('useEditorRunStore', () => {
  beforeEach(() => useEditorRunStore.setState({ flowId: null, data: null, liveRunId: null }));

  it('never lets an older run replace a newer one, but refreshes the same run', () => {
    const store = useEditorRunStore.getState();
    store.reset('f1');
    store.show(runDetail({ id: 'new', createdAt: '2026-12-04T10:00:00.000Z', status: 'running' }));
    store.show(runDetail({ id: 'old', createdAt: '2026-12-04T09:00:00.000Z' }));
    expect(useEditorRunStore.getState().data?.run.id).toBe('new');
    store.show(runDetail({ id: 'new', createdAt: '2026-12-04T10:00:00.000Z', steps }));
    expect(useEditorRunStore.getState().data?.byNode.size).toBe(3);
  });

  it('ignores runs of another flow and forgets the run when the flow changes', () => {
    const store = useEditorRunStore.getState();
    store.reset('f1');
    store.show(runDetail({ id: 'r1', flowId: 'f2' } as Partial<RunDetail> & { id: string }));
    expect(useEditorRunStore.getState().data).toBeNull();
    store.show(runDetail({ id: 'r1' }));
    store.reset('f2');
    expect(useEditorRunStore.getState().data).toBeNull();
  });

  it('labels the latest run "last" and the run watched from the editor "live"', () => {
    const store = useEditorRunStore.getState();
    store.reset('f1');
    store.show(runDetail({ id: 'old', createdAt: '2026-12-04T09:00:00.000Z' }));
    expect(selectShownRunKind(useEditorRunStore.getState())).toBe('last');
    store.watch('new');
    store.show(runDetail({ id: 'new', createdAt: '2026-12-04T10:00:00.000Z' }));
    expect(selectShownRunKind(useEditorRunStore.getState())).toBe('live');
  });

  it("keeps a node's slice while its step is unchanged, so only changed nodes re-render", () => {
    const store = useEditorRunStore.getState();
    store.reset('f1');
    const trigger = stepRun({ nodeId: 'trigger', status: 'succeeded', seq: 1 });
    store.show(
      runDetail({
        id: 'r1',
        steps: [trigger, stepRun({ nodeId: 'call', status: 'running', seq: 2 })],
      }),
    );
    const before = useEditorRunStore.getState();
    store.show(
      runDetail({
        id: 'r1',
        steps: [{ ...trigger }, stepRun({ nodeId: 'call', status: 'succeeded', seq: 2 })],
      }),
    );
    const after = useEditorRunStore.getState();
    expect(selectNodeRun('call')(after)?.step.status).toBe('succeeded');
    expect(selectNodeRun('call')(after)).not.toBe(selectNodeRun('call')(before));
    expect(selectNodeRun('trigger')(after)).toBe(selectNodeRun('trigger')(before));
  });

  it('does not take a finished run back to an earlier, running snapshot', () => {
    const store = useEditorRunStore.getState();
    store.reset('f1');
    store.show(runDetail({ id: 'r1', status: 'succeeded', steps }));
    store.show(runDetail({ id: 'r1', status: 'running' }));
    expect(useEditorRunStore.getState().data?.run.status).toBe('succeeded');
  });

  it('clears the overlay on dismiss', () => {
    const store = useEditorRunStore.getState();
    store.reset('f1');
    store.watch('r1');
    store.show(runDetail({ id: 'r1', steps }));
    store.dismiss();
    const state = useEditorRunStore.getState();
    expect(selectShownRunKind(state)).toBeNull();
    expect(selectNodeRun('call')(state)).toBeUndefined();
    expect(state.liveRunId).toBeNull();
  });
});
