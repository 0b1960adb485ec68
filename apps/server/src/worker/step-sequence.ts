/**
 * A run's step order: `seq` 1, 2, 3 … in the order the executor first recorded each
 * (node, attempt). Assigned in memory as events arrive (the executor awaits nothing between
 * starting parallel branches and reporting them, so its own order is kept), continuing after the
 * highest seq the run's earlier executions, or the run it retries, left in step_runs. A row that
 * already has a seq keeps it: a retry's backoff row, started later, or a rate-limit wait resumed
 * in a new execution. No query and no database sequence: the worker holding the run's lease is its
 * only writer, which is what makes the numbers unique per run.
 */

export type PersistedSeq = { nodeId: string; attempt: number; seq: number };

export class StepSequence {
  private readonly seqs = new Map<string, number>();
  private last = 0;

  constructor(persisted: Iterable<PersistedSeq> = []) {
    for (const step of persisted) {
      this.seqs.set(keyOf(step.nodeId, step.attempt), step.seq);
      if (step.seq > this.last) this.last = step.seq;
    }
  }

  /** The seq of (node, attempt): the one it has, or the next one. */
  of(nodeId: string, attempt: number): number {
    const key = keyOf(nodeId, attempt);
    const known = this.seqs.get(key);
    if (known !== undefined) return known;
    this.last += 1;
    this.seqs.set(key, this.last);
    return this.last;
  }
}

function keyOf(nodeId: string, attempt: number): string {
  return `${nodeId}\u0000${attempt}`;
}
