/** The sentence the Runs page shows about retention: how long runs are kept, and the last pass. */

export type RetentionPass = {
  startedAt: string;
  finishedAt: string | null;
  runsDeleted: number;
  runsOverFlowLimitDeleted: number;
  runsStepDataPruned: number;
  failed: boolean;
};

export type RetentionSettings = {
  runRetentionDays: number;
  stepDataRetentionDays: number | null;
};

const days = (n: number) => `${n} day${n === 1 ? '' : 's'}`;
const runs = (n: number) => `${n.toLocaleString('en-US')} run${n === 1 ? '' : 's'}`;

/** "Finished runs are kept 30 days; step data of succeeded runs 7 days." */
export function retentionPolicyText(settings: RetentionSettings): string {
  const kept =
    settings.runRetentionDays > 0
      ? `Finished runs are kept ${days(settings.runRetentionDays)}`
      : 'Finished runs are kept until deleted';
  return settings.stepDataRetentionDays === null
    ? `${kept}.`
    : `${kept}; step inputs and outputs of succeeded runs ${days(settings.stepDataRetentionDays)}.`;
}

/** What the latest pass did: "120 runs deleted, step data of 40 runs cleared", or why not. */
export function lastPassText(pass: RetentionPass | undefined): string {
  if (!pass) return 'Not pruned yet.';
  if (pass.failed) return 'The last pruning pass failed; the worker log has the error.';
  if (pass.finishedAt === null) return 'Pruning now.';
  const parts = [
    pass.runsDeleted > 0 ? `${runs(pass.runsDeleted)} past retention deleted` : '',
    pass.runsOverFlowLimitDeleted > 0
      ? `${runs(pass.runsOverFlowLimitDeleted)} over a flow's run limit deleted`
      : '',
    pass.runsStepDataPruned > 0 ? `step data of ${runs(pass.runsStepDataPruned)} cleared` : '',
  ].filter(Boolean);
  return parts.length === 0 ? 'Nothing to prune.' : `${parts.join(', ')}.`;
}
