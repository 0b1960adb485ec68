/**
 * The README's start command as a person uses it: a crash (kill -9 of the server) does not
 * block the next start, Ctrl+C stops cleanly, and two servers never share a data directory.
 * Each test has its own data directory and ports, and stops every process it started.
 */
import { execFileSync } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { freePort, TEST_ADMIN } from '../support/server-process.ts';
import {
  lastLine,
  logLines,
  runStartCommand,
  type StartCommand,
} from '../support/start-command.ts';

const started: StartCommand[] = [];
const dataDirs: string[] = [];

afterEach(async () => {
  for (const command of started.splice(0)) await command.interrupt();
  for (const dataDir of dataDirs.splice(0)) {
    // A postmaster that a failed test left behind is stopped (SIGINT: fast shutdown).
    const pid = await postmasterPid(dataDir);
    if (pid !== undefined && isAlive(pid)) {
      process.kill(pid, 'SIGINT');
      await waitUntil(() => !isAlive(pid));
    }
    await rm(dataDir, { recursive: true, force: true });
  }
});

async function setUp() {
  const dataDir = await mkdtemp(path.join(tmpdir(), 'patchbay-start-'));
  dataDirs.push(dataDir);
  // As root, the embedded PostgreSQL runs as the postgres user, which must reach it.
  await chmod(dataDir, 0o755);
  const env = {
    PATCHBAY_DATA_DIR: dataDir,
    PATCHBAY_DB_PORT: String(await freePort()),
    PORT: String(await freePort()),
    // The README's start command with the first owner given, as the "done when" has it.
    PATCHBAY_ADMIN_EMAIL: TEST_ADMIN.email,
    PATCHBAY_ADMIN_PASSWORD: TEST_ADMIN.password,
  };
  const start = (extra: Record<string, string> = {}) => {
    const command = runStartCommand({ ...env, ...extra });
    started.push(command);
    return command;
  };
  return {
    dataDir,
    env,
    start,
    baseUrl: `http://127.0.0.1:${env.PORT}`,
    url: `http://localhost:${env.PORT}`,
  };
}

async function postmasterPid(dataDir: string): Promise<number | undefined> {
  const text = await readFile(path.join(dataDir, 'postgres', 'postmaster.pid'), 'utf8').catch(
    () => undefined,
  );
  const pid = Number.parseInt(text?.split('\n')[0] ?? '', 10);
  return Number.isInteger(pid) ? pid : undefined;
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Polls a condition we cannot be told about (another program's process exiting), bounded. */
async function waitUntil(condition: () => boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** The command lines of `pid` and of its children, as `ps` shows them. */
function processTree(pid: number): { self: string; children: string[] } {
  const rows = execFileSync('ps', ['-A', '-o', 'pid=,ppid=,args='], { encoding: 'utf8' })
    .split('\n')
    .map((line) => /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line))
    .filter((match) => match !== null)
    .map(([, p, parent, args]) => ({ pid: Number(p), ppid: Number(parent), args: args! }));
  return {
    self: rows.find((row) => row.pid === pid)?.args ?? '',
    children: rows.filter((row) => row.ppid === pid).map((row) => row.args),
  };
}

/** A GET with any Host header (fetch does not let one set Host). */
function rawStatus(baseUrl: string, pathname: string, host: string): Promise<number> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path: pathname, headers: { host } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

async function healthStatus(baseUrl: string): Promise<number> {
  return (await fetch(`${baseUrl}/healthz`)).status;
}

describe('bash scripts/start.sh', () => {
  it('serves again after kill -9 of only the server process, with its data, and stops cleanly on Ctrl+C', async () => {
    const { dataDir, start, baseUrl, url } = await setUp();

    const first = start();
    await first.printed(`Patchbay is running at ${url}`);
    // The URL is the last line of a start, and a first start warns about nothing.
    expect(lastLine(first.output())).toBe(`Patchbay is running at ${url}`);
    expect(logLines(first.output()).filter((line) => line.level >= 40)).toEqual([]);
    // Signed-in only: anonymous callers get 401, a foreign Host 421.
    expect((await fetch(`${baseUrl}/trpc/flows.list`)).status).toBe(401);
    expect(await rawStatus(baseUrl, '/trpc/flows.list', 'attacker.example')).toBe(421);
    const api = await createApi({ baseUrl, admin: TEST_ADMIN });
    const flow = await api.flows.create.mutate({ name: 'Survives a crash' });

    const leftover = await postmasterPid(dataDir);
    expect(leftover).toBeDefined();
    await first.kill();
    // Killing Node leaves its PostgreSQL running: the situation the next start must handle.
    expect(isAlive(leftover!)).toBe(true);

    const second = start();
    await second.printed(`Patchbay is running at ${url}`);
    expect(await healthStatus(baseUrl)).toBe(200);
    const flows = await (await createApi({ baseUrl, admin: TEST_ADMIN })).flows.list.query();
    expect(flows.map((f) => f.id)).toContain(flow.id);
    expect(isAlive(leftover!)).toBe(false);
    const postgres = await postmasterPid(dataDir);
    expect(postgres).not.toBe(leftover);

    const exitCode = await second.interrupt();
    expect(exitCode).toBe(0);
    const output = second.output();
    expect(logLines(output).filter((line) => line.level >= 50)).toEqual([]);
    expect(output).not.toContain('ELIFECYCLE');
    expect(isAlive(postgres!)).toBe(false);
    // Released for the next start.
    await expect(readFile(path.join(dataDir, 'patchbay.pid'))).rejects.toMatchObject({
      code: 'ENOENT',
    });
  }, 240_000);

  it('runs the compiled server on plain Node, which forks a sandbox process from the build when needed', async () => {
    const { start, baseUrl, url } = await setUp();
    const command = start();
    await command.printed(`Patchbay is running at ${url}`);
    // No pnpm, no TypeScript loader: the shell exec'd Node on the bundle, with nothing beside it.
    expect(processTree(command.pid)).toEqual({
      self: 'node apps/server/dist/main.js',
      children: [],
    });

    // A regular expression always leaves the in-process fast path for a sandbox process.
    const api = await createApi({ baseUrl, admin: TEST_ADMIN });
    const flowId = await importFlow(
      api,
      chainFlow('Needs the sandbox', [
        {
          id: 'match',
          type: 'transform.jsonata',
          config: { expression: '$match("patchbay", /b(a)y/).groups[0]' },
        },
      ]),
    );
    const { runId } = await api.flows.run.mutate({ id: flowId, input: {} });
    let run = await api.runs.get.query({ id: runId });
    for (let polls = 0; run.status === 'queued' || run.status === 'running'; polls++) {
      if (polls > 300) throw new Error(`run ${runId} did not finish`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      run = await api.runs.get.query({ id: runId });
    }
    expect(run.status).toBe('succeeded');
    expect(run.steps.find((step) => step.nodeId === 'match')?.output).toBe('a');
    expect(processTree(command.pid).children).toEqual([
      expect.stringMatching(
        /(^|\/)node --max-old-space-size=\d+ \S*apps\/server\/dist\/sandbox-entry\.js$/,
      ),
    ]);

    // Ctrl+C stops the sandbox process with the server, quietly.
    expect(await command.interrupt()).toBe(0);
    expect(logLines(command.output()).filter((line) => line.level >= 40)).toEqual([]);
  }, 240_000);

  it('refuses a second server on the same data directory while the first runs', async () => {
    const { dataDir, start, baseUrl, url } = await setUp();
    const first = start();
    await first.printed(`Patchbay is running at ${url}`);

    const second = start({ PORT: String(await freePort()) });
    expect(await second.exited).toBe(1);
    expect(lastLine(second.output())).toContain(
      `Another Patchbay (pid ${first.pid}) is using the data directory ${dataDir}`,
    );
    // The refused start changed nothing for the first.
    expect(await healthStatus(baseUrl)).toBe(200);
    expect(await first.interrupt()).toBe(0);
  }, 240_000);
});
