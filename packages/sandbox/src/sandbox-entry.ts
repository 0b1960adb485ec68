/**
 * The program a sandbox process runs: it loads the task modules, then runs one task at a time for
 * its parent over IPC. Its V8 heap is capped by the parent (--max-old-space-size): running out
 * ends this process only. A watchdog thread kills the process when a task overruns its time by
 * far (the parent normally kills it first) or when the parent is gone, even while a task holds
 * this process's event loop.
 */
import { Worker } from 'node:worker_threads';
import {
  type ChildMessage,
  type RunMessage,
  SANDBOX_ENV,
  toThrownValue,
} from './sandbox-protocol.ts';

type Task = (input: unknown) => unknown;

const WATCHDOG_SOURCE = `
const { workerData } = require('node:worker_threads');
const deadline = new Int32Array(workerData.deadline);
setInterval(() => {
  const due = Atomics.load(deadline, 0);
  const overdue = due !== 0 && Date.now() - workerData.base > due;
  if (overdue || process.ppid !== workerData.ppid) process.kill(process.pid, 'SIGKILL');
}, 200);
`;

const taskUrls = JSON.parse(process.env[SANDBOX_ENV.tasks] ?? '{}') as Record<string, string>;
const maxResultChars = Number(process.env[SANDBOX_ENV.maxResultChars] ?? Infinity);
const tasks = new Map<string, Task>();
for (const [kind, url] of Object.entries(taskUrls)) {
  const module = (await import(url)) as { default: Task };
  tasks.set(kind, module.default);
}

/** Milliseconds after `base` at which the watchdog kills this process; 0 while idle. */
const deadline = new Int32Array(new SharedArrayBuffer(4));
const base = Date.now();
const watchdog = new Worker(WATCHDOG_SOURCE, {
  eval: true,
  workerData: { deadline: deadline.buffer, base, ppid: process.ppid },
});
watchdog.unref();

function send(message: ChildMessage): void {
  process.send?.(message);
}

async function run(message: RunMessage): Promise<void> {
  const { id } = message;
  Atomics.store(deadline, 0, Date.now() - base + message.watchdogMs);
  try {
    const task = tasks.get(message.kind);
    if (!task) throw new Error(`No sandbox task of kind "${message.kind}"`);
    const value = await task(message.input);
    const json = JSON.stringify(value);
    if (json !== undefined && json.length > maxResultChars) {
      send({ type: 'result-too-large', id, chars: json.length });
    } else {
      send(json === undefined ? { type: 'result', id } : { type: 'result', id, value });
    }
  } catch (error) {
    send({ type: 'error', id, error: toThrownValue(error) });
  } finally {
    Atomics.store(deadline, 0, 0);
  }
}

process.on('message', (message: RunMessage) => {
  void run(message);
});
// The parent closed the channel (it stops, or it died): nothing more will come.
process.on('disconnect', () => process.exit(0));
send({ type: 'ready' });
