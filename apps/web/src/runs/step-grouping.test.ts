import { describe, expect, it } from 'vitest';
import { stepRun } from '../test-support/step-run-fixture.ts';
import { edgeTaken, groupStepsByNode, nodeStatuses } from './step-grouping.ts';

const step = stepRun;

const steps = [
  step({ nodeId: 'trigger', status: 'succeeded', nodeType: 'trigger.manual' }),
  step({ nodeId: 'check', status: 'succeeded', port: 'true', nodeType: 'logic.if' }),
  step({ nodeId: 'call', status: 'failed', attempt: 1 }),
  step({ nodeId: 'notify', status: 'skipped' }),
  step({ nodeId: 'call', status: 'succeeded', attempt: 2 }),
];

describe('groupStepsByNode', () => {
  it('keeps first-run order and folds retries into attempts with the latest last', () => {
    const groups = groupStepsByNode(steps);
    expect(groups.map((g) => g.nodeId)).toEqual(['trigger', 'check', 'call', 'notify']);
    const call = groups[2];
    expect(call?.attempts.map((a) => a.attempt)).toEqual([1, 2]);
    expect(call?.latest.status).toBe('succeeded');
    expect(nodeStatuses(groups).get('call')).toBe('succeeded');
  });
});

describe('edgeTaken', () => {
  const bySource = new Map(groupStepsByNode(steps).map((g) => [g.nodeId, g]));
  it('follows the branch port the node took', () => {
    expect(edgeTaken({ source: 'check', target: 'call', sourceHandle: 'true' }, bySource)).toBe(
      true,
    );
    expect(edgeTaken({ source: 'check', target: 'call', sourceHandle: 'false' }, bySource)).toBe(
      false,
    );
  });

  it('is not taken into skipped or never-run nodes', () => {
    expect(edgeTaken({ source: 'call', target: 'notify' }, bySource)).toBe(false);
    expect(edgeTaken({ source: 'trigger', target: 'elsewhere' }, bySource)).toBe(false);
  });
});
