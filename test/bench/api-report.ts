/** `pnpm bench api` figures as Markdown rows, one column per point, for docs/benchmarks.md. */
import type { ApiResult } from './api.ts';
import type { PointResult } from './api-point.ts';

export function apiRows(result: ApiResult): string[] {
  const { points } = result;
  const several = points.some((point) => point.repetition > 1);
  const row = (label: string, cell: (point: PointResult) => string) =>
    `| ${label} | ${points.map(cell).join(' | ')} |`;
  return [
    `Load average at the start: ${result.loadAverageAtStart.map((n) => n.toFixed(2)).join(', ')} (1, 5, 15 min); ${result.secondsPerPoint} s of load per point; idle: ${Math.round(result.pssIdleMb)} MB PSS in ${result.processesIdle} processes.`,
    '',
    `| api: \`flows.run\` over HTTP, \`bash scripts/start.sh\` (one process, embedded PostgreSQL) | ${points.map((p) => `c=${p.connections}${several ? ` #${p.repetition}` : ''}`).join(' | ')} |`,
    `| --- | ${points.map(() => '---').join(' | ')} |`,
    row('accepted/s (2xx)', (p) => format(p.acceptedPerSecond)),
    row('non-2xx by status; connection errors', rejections),
    row('completed runs/s during the load', (p) => format(p.completedPerSecond)),
    row(
      'enqueue → finished p50 (runs created during the load)',
      (p) => `${format(p.latencyP50Ms)} ms`,
    ),
    row('enqueue → finished p99', (p) => `${format(p.latencyP99Ms)} ms`),
    row('enqueue → finished max', (p) => `${format(p.latencyMaxMs)} ms`),
    row(
      'runs created during the load (not succeeded)',
      (p) => `${format(p.runsCreated)} (${format(p.runsNotSucceeded)})`,
    ),
    row('queue drained after the load in', (p) =>
      p.drained
        ? `${p.drainSeconds} s`
        : `not drained after ${p.drainSeconds} s (${format(p.runsUnfinished)} runs unfinished)`,
    ),
    row('PostgreSQL CPU per run (load + drain)', (p) => `${p.postgresCpuPerRunMs} ms`),
    row('server (Node) CPU per run', (p) => `${p.serverCpuPerRunMs} ms`),
    row('sandbox processes CPU per run', (p) => `${p.sandboxCpuPerRunMs} ms`),
    row(
      'PSS of the whole tree, idle / right after the load',
      (p) => `${Math.round(result.pssIdleMb)} / ${p.pssAfterLoadMb} MB`,
    ),
    row('load average at the start of the point (1 min)', (p) =>
      (p.loadAverage[0] ?? Number.NaN).toFixed(2),
    ),
    '',
  ];
}

function rejections(point: PointResult): string {
  const statuses = Object.entries(point.rejectedByStatus).map(
    ([status, count]) => `${status}: ${format(count)}`,
  );
  const errors =
    point.errors > 0
      ? [`errors: ${format(point.errors)} (timeouts: ${format(point.timeouts)})`]
      : [];
  return [...statuses, ...errors].join(', ') || 'none';
}

function format(n: number): string {
  return n.toLocaleString('en-US');
}
