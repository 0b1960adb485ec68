/**
 * The parent's handle on one sandbox process: starts it, runs one task at a time on it under a
 * time limit, and tells why it stopped. A task that overruns, or whose caller gives up, is ended
 * by killing the process; the pool then starts another.
 */
import { type ChildProcess, fork } from 'node:child_process';
import {
  SandboxClosedError,
  SandboxCrashedError,
  SandboxMemoryLimitError,
  SandboxTaskError,
  SandboxTimeoutError,
} from './sandbox-errors.ts';
import { type ChildMessage, type RunMessage, SANDBOX_ENV } from './sandbox-protocol.ts';
import { siblingModule } from './sibling-module.ts';

const ENTRY = siblingModule('./sandbox-entry', import.meta.url);
/** Most of a sandbox process's stderr kept, to tell why it died. */
const STDERR_TAIL_CHARS = 8_192;
/** The process's own watchdog fires this long after the parent should have killed it. */
const WATCHDOG_GRACE_MS = 2_000;

export type SandboxProcessOptions = {
  tasks: Readonly<Record<string, URL>>;
  memoryMb: number;
  maxResultChars: number;
};

export type TaskRequest = {
  kind: string;
  input: unknown;
  timeoutMs: number;
};

type Running = {
  id: number;
  timeoutMs: number;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
  timer: NodeJS.Timeout;
};

export class SandboxProcess {
  /** Resolves when the process has loaded its tasks; rejects when it dies before. */
  readonly ready: Promise<void>;
  /** Resolves when the process has exited, for whatever reason. */
  readonly exited: Promise<void>;
  private readonly child: ChildProcess;
  private readonly memoryMb: number;
  private readonly maxResultChars: number;
  private running: Running | undefined;
  private nextId = 1;
  private stderrTail = '';
  private isReady = false;
  private hasExited = false;
  /** Why this side killed the process, so its exit is not taken for a crash. */
  private killedWith: unknown;
  private closing = false;
  private unexpected: unknown;

  constructor(options: SandboxProcessOptions) {
    this.memoryMb = options.memoryMb;
    this.maxResultChars = options.maxResultChars;
    const tasks = Object.fromEntries(
      Object.entries(options.tasks).map(([kind, url]) => [kind, url.href]),
    );
    this.child = fork(ENTRY, [], {
      // Inherits the parent's flags (tsx's loader from source, none in production), then caps
      // the heap: a later flag wins.
      execArgv: [
        ...process.execArgv.filter((arg) => !arg.startsWith('--inspect')),
        `--max-old-space-size=${options.memoryMb}`,
      ],
      env: {
        ...process.env,
        [SANDBOX_ENV.tasks]: JSON.stringify(tasks),
        [SANDBOX_ENV.maxResultChars]: String(options.maxResultChars),
      },
      serialization: 'json',
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
      // A process group of its own: Ctrl+C in a terminal reaches the server, which closes its
      // sandbox processes as it stops, rather than killing them under it (which the shutdown then
      // logged as a crash). An orphan is still ended by its watchdog.
      detached: true,
    });
    this.child.stderr?.setEncoding('utf8');
    this.child.stderr?.on('data', (chunk: string) => {
      this.stderrTail = (this.stderrTail + chunk).slice(-STDERR_TAIL_CHARS);
    });
    let started!: () => void;
    let failed!: (error: unknown) => void;
    this.ready = new Promise<void>((resolve, reject) => {
      started = resolve;
      failed = reject;
    });
    // Nobody may wait for `ready` (the pool only listens); that is not an unhandled rejection.
    this.ready.catch(() => undefined);
    this.exited = new Promise<void>((resolve) => {
      // 'close' comes after stderr is read to its end, which tells an out-of-memory death.
      this.child.once('close', (code, signal) => {
        this.hasExited = true;
        const error = this.exitError(code, signal);
        if (this.killedWith === undefined && !this.closing) this.unexpected = error;
        if (!this.isReady) failed(error);
        this.settle((running) => running.reject(error));
        resolve();
      });
    });
    this.child.on('message', (message: ChildMessage) => {
      if (message.type === 'ready') {
        this.isReady = true;
        started();
        return;
      }
      this.onTaskMessage(message);
    });
    // An IPC write to a process that just died; its exit reports what happened.
    this.child.on('error', () => undefined);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get busy(): boolean {
    return this.running !== undefined;
  }

  get alive(): boolean {
    return !this.hasExited && this.killedWith === undefined && !this.closing;
  }

  /** After exit: why it stopped, when neither kill() nor close() asked it to. */
  get unexpectedExit(): unknown {
    return this.unexpected;
  }

  /** Runs one task; the process must be ready and idle. */
  run(request: TaskRequest): Promise<unknown> {
    if (this.running) throw new Error('A sandbox process runs one task at a time');
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const timer = setTimeout(
        () => this.kill(new SandboxTimeoutError(request.timeoutMs)),
        request.timeoutMs,
      );
      this.running = { id, timeoutMs: request.timeoutMs, resolve, reject, timer };
      const message: RunMessage = {
        type: 'run',
        id,
        kind: request.kind,
        input: request.input,
        watchdogMs: request.timeoutMs + WATCHDOG_GRACE_MS,
      };
      this.child.send(message, (error) => {
        if (error) this.kill(new SandboxCrashedError(`Could not send the task: ${error.message}`));
      });
    });
  }

  /** Kills the process; a running task fails with `reason`. */
  kill(reason: unknown): void {
    if (this.hasExited) return;
    this.killedWith ??= reason;
    this.settle((running) => running.reject(reason));
    this.child.kill('SIGKILL');
  }

  /** Ends the process for good (the sandbox closes); a running task fails. */
  close(): void {
    this.closing = true;
    if (this.running) this.kill(new SandboxClosedError());
    else if (!this.hasExited) this.child.kill('SIGKILL');
  }

  private onTaskMessage(message: Exclude<ChildMessage, { type: 'ready' }>): void {
    if (this.running?.id !== message.id) return; // a task already given up on
    switch (message.type) {
      case 'result':
        this.settle((running) => running.resolve(message.value));
        return;
      case 'error':
        this.settle((running) => running.reject(new SandboxTaskError(message.error)));
        return;
      case 'result-too-large':
        this.settle((running) =>
          running.reject(new SandboxMemoryLimitError('result', this.maxResultChars)),
        );
        return;
      default:
    }
  }

  private settle(action: (running: Running) => void): void {
    const running = this.running;
    if (!running) return;
    this.running = undefined;
    clearTimeout(running.timer);
    action(running);
  }

  /** Why the process exited, as the error of the task it was running. */
  private exitError(code: number | null, signal: NodeJS.Signals | null): unknown {
    if (this.killedWith !== undefined) return this.killedWith;
    if (/heap out of memory|Allocation failed/i.test(this.stderrTail)) {
      return new SandboxMemoryLimitError('heap', this.memoryMb);
    }
    const how = signal ? `was killed (${signal})` : `exited with code ${code}`;
    const stage = this.isReady ? '' : ' while starting';
    const stderr = this.stderrTail.trim().slice(-2_000);
    return new SandboxCrashedError(
      `The sandbox process ${how}${stage}${stderr ? `: ${stderr}` : ''}`,
    );
  }
}
