import { describe, expect, it } from 'vitest';
import { stepRun } from '../test-support/step-run-fixture.ts';
import { edgeTaken, groupStepsByNode, nodeStatuses } from './step-grouping.ts';

const step = stepRun;

const steps = [
  step({ nodeId: 'trigger', status: 'succeeded', nodeType: 'trigger.manual', seq: 1 }),
  step({ nodeId: 'check', status: 'succeeded', port: 'true', nodeType: 'logic.if', seq: 2 }),
  step({ nodeId: 'call', status: 'failed', attempt: 1, seq: 3 }),
  step({ nodeId: 'notify', status: 'skipped', seq: 4 }),
  step({ nodeId: 'call', status: 'succeeded', attempt: 2, seq: 5 }),
];

describe('groupStepsByNode', () => {
  it('orders nodes by their first step number, whatever order the steps come in', () => {
    const groups = groupStepsByNode([
      step({ nodeId: 'after', status: 'succeeded', seq: 4 }),
      step({ nodeId: 'slow', status: 'succeeded', seq: 2 }),
      step({ nodeId: 'fast', status: 'failed', attempt: 1, seq: 3 }),
      step({ nodeId: 'fast', status: 'succeeded', attempt: 2, seq: 5 }),
      step({ nodeId: 'trigger', status: 'succeeded', seq: 1 }),
    ]);
    expect(groups.map((g) => [g.nodeId, g.seq])).toEqual([
      ['trigger', 1],
      ['slow', 2],
      ['fast', 3],
      ['after', 4],
    ]);
    expect(groups[2]?.attempts.map((a) => [a.attempt, a.seq])).toEqual([
      [1, 3],
      [2, 5],
    ]);
  });

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
