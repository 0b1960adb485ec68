/**
 * Collapses consecutive identical failures in the run history into one row ("20 runs failed with
 * CIRCUIT_OPEN on GET https://api.example.com/orders"), so an open breaker does not fill a page
 * with copies of one error.
 *
 * Identical: failed, same flow, same error code, same failed node, and the same upstream target
 * (the error's `details.target`: circuit open, rate limits) or, when the error names none, the same
 * message family (the message with ids, timestamps and long numbers masked, so "GET http://h/x
 * answered 500" matches itself but not "answered 404").
 *
 * Grouping happens here, in the client, over the concatenation of every page loaded so far, and
 * not in runs.list. Keyset pages are fixed-size slices of one ordered list, so grouping their
 * concatenation gives exactly the groups of that prefix of the history: a group cut by a page
 * boundary joins up as soon as the next page loads, with no cursor that must point into the middle
 * of a group, no second notion of page size (rows vs groups) and no server scan of an unbounded
 * streak of failures to fill a page of groups. Totals, cursors and live refresh stay as they are.
 * The cost: a page of 20 identical failures shows as one row, so the page loads a few more pages
 * while few rows show (see AUTO_FILL in run-history-page.tsx).
 */
import type { RunSummary } from '../api/types.ts';
import { upstreamTargetOf } from './step-upstream.ts';

/** What makes two failures identical. */
export type FailureSignature = {
  flowId: string;
  code: string;
  nodeId: string | null;
  /** The upstream target the error names, when it names one. */
  target: string | null;
  /** The message with its variable parts masked; compared only when there is no target. */
  family: string;
};

export type HistoryRow =
  | { kind: 'run'; run: RunSummary }
  | {
      kind: 'group';
      signature: FailureSignature;
      /** Newest first, as in the history; at least MIN_GROUP_SIZE. */
      runs: RunSummary[];
    };

/** Two identical failures in a row already collapse. */
export const MIN_GROUP_SIZE = 2;

const UUID = /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const TIMESTAMP = /\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?/g;
/** Durations, counts, ports: 4 digits or more. Status codes (3 digits) stay. */
const LONG_NUMBER = /\d{4,}/g;

/** The message with the parts that differ between otherwise identical failures masked. */
export function messageFamily(message: string): string {
  return message
    .replace(TIMESTAMP, '<time>')
    .replace(UUID, '<id>')
    .replace(LONG_NUMBER, '#')
    .trim()
    .toLowerCase();
}

/** A failed run's signature; null for a run that did not fail (those never group). */
export function failureSignatureOf(run: RunSummary): FailureSignature | null {
  if (run.status !== 'failed' || !run.error) return null;
  const target = upstreamTargetOf(run.error);
  return {
    flowId: run.flowId,
    code: run.error.code,
    nodeId: run.error.nodeId ?? null,
    target,
    family: target === null ? messageFamily(run.error.message) : '',
  };
}

export function sameFailure(a: FailureSignature, b: FailureSignature): boolean {
  return (
    a.flowId === b.flowId &&
    a.code === b.code &&
    a.nodeId === b.nodeId &&
    a.target === b.target &&
    a.family === b.family
  );
}

/** The history's rows: each streak of MIN_GROUP_SIZE or more identical failures as one group. */
export function groupConsecutiveFailures(runs: readonly RunSummary[]): HistoryRow[] {
  const rows: HistoryRow[] = [];
  let streak: { signature: FailureSignature; runs: RunSummary[] } | null = null;
  const close = () => {
    if (!streak) return;
    if (streak.runs.length >= MIN_GROUP_SIZE) rows.push({ kind: 'group', ...streak });
    else for (const run of streak.runs) rows.push({ kind: 'run', run });
    streak = null;
  };
  for (const run of runs) {
    const signature = failureSignatureOf(run);
    if (signature && streak && sameFailure(streak.signature, signature)) {
      streak.runs.push(run);
      continue;
    }
    close();
    if (signature) streak = { signature, runs: [run] };
    else rows.push({ kind: 'run', run });
  }
  close();
  return rows;
}

/** "20 runs failed with CIRCUIT_OPEN on GET https://api.example.com/orders" */
export function describeFailureGroup(group: { signature: FailureSignature; runs: RunSummary[] }) {
  const where = group.signature.target ? ` on ${group.signature.target}` : '';
  return `${group.runs.length} runs failed with ${group.signature.code}${where}`;
}
