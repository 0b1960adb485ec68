/**
 * A pool of sandbox processes that run tasks of registered kinds (JSONata now, user code later)
 * under a time limit and a heap cap, off this process's event loop. A task that overruns, or
 * whose caller aborts, is ended by killing its process; its memory dies with it. Processes, not
 * worker threads: a worker thread that runs out of its `resourceLimits` heap in one large
 * allocation aborts the whole process (nodejs/node#47224), which a sandbox must never do.
 */
import { SandboxClosedError } from './sandbox-errors.ts';
import { SandboxProcess } from './sandbox-process.ts';

export type SandboxOptions = {
  /**
   * Task modules by kind. Each default-exports `(input) => result`; the input and the result
   * travel as JSON. Without a TypeScript loader (under Vitest) plain Node loads them, so they and
   * what they import may use erasable TypeScript syntax only.
   */
  tasks: Readonly<Record<string, URL>>;
  /** Processes started at once and kept ready. Default 1. */
  minProcesses?: number;
  /** Most processes at once (each runs one task at a time); more tasks queue. Default 2. */
  maxProcesses?: number;
  /** V8 heap limit of each process, in MB. Default 128. */
  memoryMb?: number;
  /** Largest result, in characters of JSON. Default 16 MiB. */
  maxResultChars?: number;
  /** Told when a process stops on its own: it crashed, or could not start. */
  onProcessError?: (error: unknown) => void;
};

export type SandboxRunOptions = {
  /** The task's process is killed when the task runs longer; counted from when it starts. */
  timeoutMs: number;
  /** Aborting ends the task: dequeued, or its process killed. Rejects with the signal's reason. */
  signal?: AbortSignal | undefined;
};

export type SandboxStats = {
  processes: number;
  busy: number;
  queued: number;
  /** Processes started since the sandbox was created (replacements included). */
  started: number;
};

type QueuedTask = {
  kind: string;
  input: unknown;
  timeoutMs: number;
  signal: AbortSignal | undefined;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  /** Removes the task's abort listener. */
  detach: () => void;
};

export const DEFAULT_SANDBOX_MEMORY_MB = 128;
export const DEFAULT_SANDBOX_PROCESSES = 2;
export const DEFAULT_SANDBOX_MAX_RESULT_CHARS = 16 * 1024 * 1024;

export class Sandbox {
  private readonly tasks: Readonly<Record<string, URL>>;
  private readonly minProcesses: number;
  private readonly maxProcesses: number;
  private readonly memoryMb: number;
  private readonly maxResultChars: number;
  private readonly onProcessError: ((error: unknown) => void) | undefined;
  private readonly processes = new Set<SandboxProcess>();
  private readonly idle: SandboxProcess[] = [];
  private readonly queue: QueuedTask[] = [];
  private starting = 0;
  private started = 0;
  private closed = false;

  constructor(options: SandboxOptions) {
    this.tasks = options.tasks;
    this.maxProcesses = Math.max(1, options.maxProcesses ?? DEFAULT_SANDBOX_PROCESSES);
    this.minProcesses = Math.min(options.minProcesses ?? 1, this.maxProcesses);
    this.memoryMb = options.memoryMb ?? DEFAULT_SANDBOX_MEMORY_MB;
    this.maxResultChars = options.maxResultChars ?? DEFAULT_SANDBOX_MAX_RESULT_CHARS;
    this.onProcessError = options.onProcessError;
    this.topUp();
  }

  /** Runs a task of `kind` in a sandbox process; rejects with a SandboxError when it cannot. */
  run(kind: string, input: unknown, options: SandboxRunOptions): Promise<unknown> {
    if (this.closed) return Promise.reject(new SandboxClosedError());
    const { signal } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const task: QueuedTask = {
        kind,
        input,
        timeoutMs: options.timeoutMs,
        signal,
        resolve,
        reject,
        detach: () => undefined,
      };
      if (signal) {
        const onAbort = () => {
          const index = this.queue.indexOf(task);
          if (index !== -1) this.queue.splice(index, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        task.detach = () => signal.removeEventListener('abort', onAbort);
      }
      this.queue.push(task);
      this.dispatch();
    });
  }

  /** Resolves once the processes kept ready have started (start-up, tests). */
  async warm(): Promise<void> {
    await Promise.all([...this.processes].map((proc) => proc.ready.catch(() => undefined)));
  }

  get stats(): SandboxStats {
    let busy = 0;
    for (const proc of this.processes) if (proc.busy) busy++;
    return {
      processes: this.processes.size,
      busy,
      queued: this.queue.length,
      started: this.started,
    };
  }

  /** Fails queued tasks and ends every process; resolves when all have exited. */
  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) {
      task.detach();
      task.reject(new SandboxClosedError());
    }
    const exits = [...this.processes].map((proc) => proc.exited);
    for (const proc of this.processes) proc.close();
    await Promise.all(exits);
  }

  /** Gives queued tasks to idle processes; starts processes, up to the maximum, for the rest. */
  private dispatch(): void {
    while (this.queue.length > 0) {
      const proc = this.idle.pop();
      if (!proc) break;
      if (proc.alive) this.start(proc, this.queue.shift()!);
    }
    let wanted = this.queue.length - this.starting;
    while (wanted-- > 0 && this.processes.size < this.maxProcesses) this.spawn();
  }

  private start(proc: SandboxProcess, task: QueuedTask): void {
    task.detach();
    const { signal } = task;
    const onAbort = () => proc.kill(signal?.reason);
    signal?.addEventListener('abort', onAbort, { once: true });
    const done = () => {
      signal?.removeEventListener('abort', onAbort);
      if (proc.alive && !this.closed) this.idle.push(proc);
      this.dispatch();
    };
    proc.run({ kind: task.kind, input: task.input, timeoutMs: task.timeoutMs }).then(
      (value) => {
        done();
        task.resolve(value);
      },
      (error: unknown) => {
        done();
        task.reject(error);
      },
    );
  }

  private spawn(): void {
    const proc = new SandboxProcess({
      tasks: this.tasks,
      memoryMb: this.memoryMb,
      maxResultChars: this.maxResultChars,
    });
    this.started++;
    this.starting++;
    this.processes.add(proc);
    let healthy = false;
    proc.ready.then(
      () => {
        healthy = true;
        this.starting--;
        if (this.closed) return proc.close();
        this.idle.push(proc);
        this.dispatch();
      },
      (error: unknown) => {
        this.starting--;
        // It could not start (a task module failed to load, say). The tasks waiting would wait
        // for a process that never comes, so they fail; the next run() tries again.
        if (this.starting === 0 && this.idle.length === 0) {
          for (const task of this.queue.splice(0)) {
            task.detach();
            task.reject(error);
          }
        }
      },
    );
    void proc.exited.then(() => {
      this.processes.delete(proc);
      const index = this.idle.indexOf(proc);
      if (index !== -1) this.idle.splice(index, 1);
      if (proc.unexpectedExit !== undefined) this.onProcessError?.(proc.unexpectedExit);
      // Replaced when it had worked; one that could not start is not restarted in a loop.
      if (healthy) this.topUp();
    });
  }

  /** Keeps `minProcesses` running and serves the queue. */
  private topUp(): void {
    if (this.closed) return;
    while (this.processes.size < this.minProcesses) this.spawn();
    this.dispatch();
  }
}
