/**
 * "Listen for test event": the editor asks to capture the next request to a flow's webhook,
 * active or not. While a capture waits, a request to /hooks/<flowId> or /hooks/<its path> is
 * answered 200 without starting a run and handed to the waiting editor as sample data. Captures
 * live in the process that registered them.
 */
import type { WebhookInput } from '@patchbay/connector-webhook';

export const CAPTURE_TIMEOUT_MS = 60_000;

export type CapturedRequest = {
  /** The trigger's output this request would have produced. */
  input: WebhookInput;
  receivedAt: string;
};

type Capture = {
  flowId: string;
  keys: readonly string[];
  resolve: (request: CapturedRequest | undefined) => void;
};

export class WebhookCaptures {
  private readonly byKey = new Map<string, Capture>();

  /** Whether a capture waits for requests to this key (cheap: checked on every request). */
  has(key: string): boolean {
    return this.byKey.size > 0 && this.byKey.has(key);
  }

  flowOf(key: string): string | undefined {
    return this.byKey.get(key)?.flowId;
  }

  /**
   * Waits for the next request to any of `keys` (the flow id and its path), up to `timeoutMs`;
   * undefined when none came (or the signal aborted). A newer capture of a key replaces an older.
   */
  wait(
    flowId: string,
    keys: readonly string[],
    options: { timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<CapturedRequest | undefined> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      const capture: Capture = {
        flowId,
        keys,
        resolve: (request) => {
          clearTimeout(timer);
          options.signal?.removeEventListener('abort', abort);
          for (const key of keys) if (this.byKey.get(key) === capture) this.byKey.delete(key);
          resolve(request);
        },
      };
      const abort = () => capture.resolve(undefined);
      for (const key of keys) {
        this.byKey.get(key)?.resolve(undefined);
        this.byKey.set(key, capture);
      }
      timer = setTimeout(abort, options.timeoutMs ?? CAPTURE_TIMEOUT_MS);
      options.signal?.addEventListener('abort', abort, { once: true });
    });
  }

  /** Hands a request to the capture waiting on `key`; false when none waits. */
  deliver(key: string, request: CapturedRequest): boolean {
    const capture = this.byKey.get(key);
    if (!capture) return false;
    capture.resolve(request);
    return true;
  }
}
