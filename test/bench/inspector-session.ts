/**
 * A minimal Chrome DevTools Protocol client for a running Node process: forces a full GC, reads
 * process.memoryUsage() and streams a heap snapshot to a file. The process must have been started
 * with `--inspect-port=127.0.0.1:<port>` (NODE_OPTIONS) and sent SIGUSR1, which opens the
 * inspector on that port in that process only: its children inherit the flag but never the signal.
 */
import { createWriteStream } from 'node:fs';
import { finished } from 'node:stream/promises';

export type MemoryUsage = {
  rss: number;
  heapTotal: number;
  heapUsed: number;
  external: number;
  arrayBuffers: number;
};

type Reply = { id: number; result?: unknown; error?: { message: string } };
type Event = { method: string; params: unknown };

const CONNECT_TIMEOUT_MS = 10_000;

export class InspectorSession {
  private nextId = 1;
  private readonly replies = new Map<
    number,
    { resolve: (result: unknown) => void; reject: (error: Error) => void }
  >();
  private readonly listeners = new Map<string, (params: unknown) => void>();

  private constructor(private readonly socket: WebSocket) {
    socket.addEventListener('message', (message) => {
      const data = JSON.parse(String(message.data)) as Reply | Event;
      if ('id' in data) {
        const waiter = this.replies.get(data.id);
        this.replies.delete(data.id);
        if (data.error) waiter?.reject(new Error(`inspector: ${data.error.message}`));
        else waiter?.resolve(data.result);
      } else {
        this.listeners.get(data.method)?.(data.params);
      }
    });
    socket.addEventListener('close', () => {
      for (const waiter of this.replies.values()) waiter.reject(new Error('inspector closed'));
      this.replies.clear();
    });
  }

  /** Opens the inspector of `pid` (SIGUSR1) on `port` and connects to it. */
  static async open(pid: number, port: number): Promise<InspectorSession> {
    process.kill(pid, 'SIGUSR1');
    const deadline = Date.now() + CONNECT_TIMEOUT_MS;
    for (;;) {
      try {
        const response = await fetch(`http://127.0.0.1:${port}/json/list`);
        const [target] = (await response.json()) as { webSocketDebuggerUrl: string }[];
        if (!target) throw new Error('no inspector target');
        const socket = new WebSocket(target.webSocketDebuggerUrl);
        await new Promise((resolve, reject) => {
          socket.addEventListener('open', resolve, { once: true });
          socket.addEventListener('error', () => reject(new Error('inspector refused')), {
            once: true,
          });
        });
        return new InspectorSession(socket);
      } catch (error) {
        if (Date.now() > deadline) {
          throw new Error(`no inspector on port ${port} for PID ${pid}`, { cause: error });
        }
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    }
  }

  /**
   * Full garbage collections until the heap stops shrinking (at most 5). One is not enough: what
   * a FinalizationRegistry holds (undici's Request, AbortSignal.any, both per HTTP request under
   * tRPC) is let go by its cleanup callback, a task that runs after a collection, and freed only
   * by the next one.
   */
  async collectGarbage(): Promise<void> {
    let previous = Number.POSITIVE_INFINITY;
    for (let round = 0; round < 5; round++) {
      await this.send('HeapProfiler.collectGarbage');
      await new Promise((resolve) => setTimeout(resolve, 200));
      const { heapUsed } = await this.memoryUsage();
      if (heapUsed > previous * 0.99) return;
      previous = heapUsed;
    }
  }

  /** Evaluates `expression` in the process's main context; the result must be JSON. */
  async evaluate(expression: string): Promise<unknown> {
    const reply = (await this.send('Runtime.evaluate', { expression, returnByValue: true })) as {
      result: { value?: unknown };
      exceptionDetails?: { text: string };
    };
    if (reply.exceptionDetails) throw new Error(`inspector: ${reply.exceptionDetails.text}`);
    return reply.result.value;
  }

  async memoryUsage(): Promise<MemoryUsage> {
    const reply = (await this.send('Runtime.evaluate', {
      expression: 'JSON.stringify(process.memoryUsage())',
      returnByValue: true,
    })) as { result: { value: string } };
    return JSON.parse(reply.result.value) as MemoryUsage;
  }

  /** Writes a heap snapshot (V8 collects garbage first) to `file`. */
  async writeHeapSnapshot(file: string): Promise<void> {
    const out = createWriteStream(file);
    this.listeners.set('HeapProfiler.addHeapSnapshotChunk', (params) => {
      out.write((params as { chunk: string }).chunk);
    });
    try {
      // The chunks all arrive before the reply.
      await this.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false });
    } finally {
      this.listeners.delete('HeapProfiler.addHeapSnapshotChunk');
      out.end();
      await finished(out);
    }
  }

  close(): void {
    this.socket.close();
  }

  private send(method: string, params: object = {}): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.replies.set(id, { resolve, reject });
      this.socket.send(JSON.stringify({ id, method, params }));
    });
  }
}
