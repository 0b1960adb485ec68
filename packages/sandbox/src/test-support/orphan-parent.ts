/**
 * Started by a test as a separate process: runs a task that never ends in a sandbox, prints the
 * sandbox process's pid, and waits to be killed. The sandbox process must then end by itself.
 */
import { Sandbox } from '../sandbox.ts';

const sandbox = new Sandbox({
  tasks: { test: new URL('./test-task.ts', import.meta.url) },
  minProcesses: 0,
  maxProcesses: 1,
});
const pid = sandbox.run('test', { op: 'pid' }, { timeoutMs: 60_000 });
console.log(`sandbox-pid=${String(await pid)}`);
void sandbox.run('test', { op: 'spin' }, { timeoutMs: 600_000 });
setInterval(() => undefined, 1_000);
