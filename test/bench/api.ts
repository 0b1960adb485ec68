/**
 * The default install under HTTP load (issue 6): `bash scripts/start.sh` as the README has it (one
 * process, embedded PostgreSQL, a fresh data directory), then `flows.run` of the 3-node pipeline
 * flow over HTTP at each concurrency for a fixed time, with autocannon as the load generator.
 * Between points the queue is left to drain. Figures per point: see measurePoint.
 */
import os from 'node:os';
import { measurePoint, type PointResult, type PointTarget } from './api-point.ts';
import { withBenchInstall } from './bench-install.ts';
import { sampleTree } from './process-tree.ts';

export type ApiResult = {
  /** os.loadavg() before the app started: 1, 5 and 15 minutes. */
  loadAverageAtStart: number[];
  secondsPerPoint: number;
  /** The whole tree 5 s after start-up, sign-in and the flow's import, before any load. */
  pssIdleMb: number;
  processesIdle: number;
  points: PointResult[];
};

const SETTLE_MS = 5_000;

export async function benchApi(options: {
  concurrency: number[];
  repeat: number;
  seconds: number;
  drainTimeoutMs: number;
}): Promise<ApiResult> {
  const loadAverageAtStart = os.loadavg();
  return withBenchInstall({ name: 'api' }, async ({ baseUrl, token, flowId, db, roots }) => {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    const idle = await sampleTree(roots);

    const target: PointTarget = { url: `${baseUrl}/trpc/flows.run`, token, flowId, db, roots };
    const points: PointResult[] = [];
    for (let repetition = 1; repetition <= options.repeat; repetition++) {
      for (const connections of options.concurrency) {
        const point = await measurePoint(target, {
          connections,
          repetition,
          seconds: options.seconds,
          drainTimeoutMs: options.drainTimeoutMs,
        });
        console.error(JSON.stringify(point));
        points.push(point);
      }
    }
    return {
      loadAverageAtStart,
      secondsPerPoint: options.seconds,
      pssIdleMb: idle.pssMb,
      processesIdle: idle.processes,
      points,
    };
  });
}
