import { describe, expect, it } from 'vitest';
import { lastPassText, retentionPolicyText } from './retention-summary.ts';

const pass = {
  startedAt: '2026-12-04T00:00:00.000Z',
  finishedAt: '2026-12-04T00:00:02.000Z',
  runsDeleted: 0,
  runsOverFlowLimitDeleted: 0,
  runsStepDataPruned: 0,
  failed: false,
};

describe('retentionPolicyText', () => {
  it('says how long runs and step data are kept', () => {
    expect(retentionPolicyText({ runRetentionDays: 30, stepDataRetentionDays: null })).toBe(
      'Finished runs are kept 30 days.',
    );
    expect(retentionPolicyText({ runRetentionDays: 30, stepDataRetentionDays: 1 })).toBe(
      'Finished runs are kept 30 days; step inputs and outputs of succeeded runs 1 day.',
    );
    expect(retentionPolicyText({ runRetentionDays: 0, stepDataRetentionDays: null })).toBe(
      'Finished runs are kept until deleted.',
    );
  });
});

describe('lastPassText', () => {
  it('lists what the last pass pruned', () => {
    expect(
      lastPassText({
        ...pass,
        runsDeleted: 1_200,
        runsOverFlowLimitDeleted: 1,
        runsStepDataPruned: 40,
      }),
    ).toBe(
      "1,200 runs past retention deleted, 1 run over a flow's run limit deleted, step data of 40 runs cleared.",
    );
  });

  it('says when nothing was pruned, nothing ran yet, a pass is going or failed', () => {
    expect(lastPassText(pass)).toBe('Nothing to prune.');
    expect(lastPassText(undefined)).toBe('Not pruned yet.');
    expect(lastPassText({ ...pass, finishedAt: null })).toBe('Pruning now.');
    expect(lastPassText({ ...pass, failed: true })).toBe(
      'The last pruning pass failed; the worker log has the error.',
    );
  });
});
