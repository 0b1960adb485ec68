/**
 * A separate worker process for the cross-process guard tests: its own PostgresUpstreamGuard and
 * pool against the test database named in the command (argv[2], JSON). Prints "ready", waits for
 * a line on stdin, runs the command, prints one JSON result line and exits. Every loop is bounded
 * in iterations and time; the only network traffic is to the database and a loopback upstream.
 */
import { createInterface } from 'node:readline';
import {
  breakerPolicySchema,
  type GuardDecision,
  rateLimitPolicySchema,
  type UpstreamCall,
} from '@patchbay/engine';
import { z } from 'zod';
import { createPgPool } from '../db/pg-pool.ts';
import { PostgresUpstreamGuard } from '../resilience/postgres-upstream-guard.ts';

const commandSchema = z.object({
  databaseUrl: z.string(),
  call: z.object({
    target: z.string(),
    breaker: breakerPolicySchema,
    rateLimit: rateLimitPolicySchema.optional(),
  }),
  /**
   * fail-until-open: call the upstream (loopback) until the guard says open, at most maxCalls.
   * call-once: ask the guard once and call the upstream only if it says proceed.
   * hammer: acquire back to back for durationMs (no sleeping: maximum contention), releasing
   * each permit as a success.
   */
  mode: z.enum(['fail-until-open', 'call-once', 'hammer']),
  upstreamUrl: z.string().optional(),
  maxCalls: z.number().int().min(1).max(1_000).default(20),
  durationMs: z.number().int().min(1).max(10_000).default(1_000),
});
type Command = z.infer<typeof commandSchema>;

export type WorkerResult =
  | { mode: 'fail-until-open' | 'call-once'; upstreamCalls: number; decisions: string[] }
  | { mode: 'hammer'; proceeded: number; waits: number; opens: number; iterations: number };

/** Upper bound on acquire attempts in hammer mode, whatever the duration. */
const MAX_HAMMER_ITERATIONS = 200_000;

const command = commandSchema.parse(JSON.parse(process.argv[2] ?? '{}'));
const pool = createPgPool(command.databaseUrl, {
  warn: (obj, msg) => process.stderr.write(`${msg} ${JSON.stringify(obj)}\n`),
});
const guard = new PostgresUpstreamGuard({ pool });
const call: UpstreamCall = {
  target: command.call.target,
  runId: `worker-${process.pid}`,
  nodeId: 'fetch',
  breaker: command.call.breaker,
  rateLimit: command.call.rateLimit,
};

try {
  await pool.query('SELECT 1'); // connect before "ready", so both workers start warm
  process.stdout.write('ready\n');
  await firstLine();
  const result = await run(command);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} finally {
  await pool.end();
}

async function run(cmd: Command): Promise<WorkerResult> {
  if (cmd.mode === 'hammer') return hammer(cmd.durationMs);
  const decisions: string[] = [];
  let upstreamCalls = 0;
  const limit = cmd.mode === 'call-once' ? 1 : cmd.maxCalls;
  for (let i = 0; i < limit; i++) {
    const decision = await guard.acquire(call);
    decisions.push(describe(decision));
    if (decision.kind !== 'proceed') break;
    upstreamCalls += 1;
    const response = await fetch(cmd.upstreamUrl ?? 'http://127.0.0.1:9/');
    await response.arrayBuffer();
    await guard.release(
      call,
      decision.permit,
      response.ok
        ? { kind: 'success' }
        : {
            kind: 'failure',
            error: { code: `HTTP_${response.status}`, message: response.statusText },
          },
    );
  }
  return { mode: cmd.mode, upstreamCalls, decisions };
}

async function hammer(durationMs: number): Promise<WorkerResult> {
  const result = { mode: 'hammer' as const, proceeded: 0, waits: 0, opens: 0, iterations: 0 };
  const deadline = performance.now() + durationMs;
  while (performance.now() < deadline && result.iterations < MAX_HAMMER_ITERATIONS) {
    result.iterations += 1;
    const decision = await guard.acquire(call);
    if (decision.kind === 'proceed') {
      result.proceeded += 1;
      await guard.release(call, decision.permit, { kind: 'success' });
    } else if (decision.kind === 'wait') {
      result.waits += 1;
    } else {
      result.opens += 1;
    }
  }
  return result;
}

function describe(decision: GuardDecision): string {
  switch (decision.kind) {
    case 'proceed':
      return decision.permit.probe ? 'proceed:probe' : 'proceed';
    case 'wait':
      return `wait:${decision.reason}`;
    case 'open':
      return `open:${decision.state}`;
  }
}

function firstLine(): Promise<string> {
  const lines = createInterface({ input: process.stdin });
  return new Promise((resolve, reject) => {
    lines.once('line', (line) => {
      resolve(line);
      lines.close();
    });
    lines.once('close', () => reject(new Error('stdin closed before the start signal')));
  });
}
