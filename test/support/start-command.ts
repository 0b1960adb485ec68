/**
 * Runs the README's start command (`bash scripts/start.sh`) as a terminal would: in a process
 * group of its own, so that "Ctrl+C" is SIGINT to the whole group. The shell execs Node, so the
 * group leader's PID is the server's.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const WAIT_MS = 60_000;

export type StartCommand = {
  /** The server's PID (the shell exec'd Node). */
  readonly pid: number;
  output(): string;
  /** Resolves with the exit code once the process has exited. */
  readonly exited: Promise<number | null>;
  /** Resolves once the given text has been printed; rejects if the process exits first. */
  printed(text: string | RegExp): Promise<void>;
  /** SIGINT to the process group, as Ctrl+C in a terminal; resolves with the exit code. */
  interrupt(): Promise<number | null>;
  /** SIGKILL to the server process only: a crash. */
  kill(): Promise<void>;
};

/**
 * `env` is laid over this process's environment; a variable given as undefined is removed.
 * `command`: the README's by default; `['pnpm', 'start']` runs the same script under pnpm.
 */
export function runStartCommand(
  env: Record<string, string | undefined>,
  command: readonly [string, ...string[]] = ['bash', 'scripts/start.sh'],
): StartCommand {
  let output = '';
  const waiters = new Set<() => void>();
  const merged = { ...process.env, HOST: '127.0.0.1', LOG_LEVEL: 'info', ...env };
  const child: ChildProcess = spawn(command[0], command.slice(1), {
    cwd: repoRoot,
    env: Object.fromEntries(Object.entries(merged).filter(([, value]) => value !== undefined)),
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  const append = (chunk: Buffer) => {
    output += chunk.toString();
    for (const wake of waiters) wake();
  };
  child.stdout?.on('data', append);
  child.stderr?.on('data', append);
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code) => {
      resolve(code);
      for (const wake of waiters) wake();
    });
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${command.join(' ')} did not start`);
  const isExited = () => child.exitCode !== null || child.signalCode !== null;

  return {
    pid,
    output: () => output,
    exited,
    printed(text) {
      const found = () => (typeof text === 'string' ? output.includes(text) : text.test(output));
      return new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`not printed within ${WAIT_MS} ms: ${text}\n${output}`));
        }, WAIT_MS);
        const check = () => {
          if (found()) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve();
          } else if (isExited()) {
            waiters.delete(check);
            clearTimeout(timer);
            reject(
              new Error(
                `exited (${child.exitCode ?? child.signalCode}) before printing ${text}:\n${output}`,
              ),
            );
          }
        };
        waiters.add(check);
        check();
      });
    },
    interrupt() {
      if (!isExited()) process.kill(-pid, 'SIGINT');
      return exited;
    },
    async kill() {
      if (!isExited()) child.kill('SIGKILL');
      await exited;
    },
  };
}

/** The JSON log lines of an output, parsed; other lines (the URL, pnpm's, Vite's) are skipped. */
export function logLines(output: string): { level: number; msg: string }[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as { level: number; msg: string });
}

/** The output's last non-empty line. */
export function lastLine(output: string): string {
  return output.trimEnd().split('\n').at(-1) ?? '';
}
