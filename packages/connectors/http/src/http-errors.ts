/**
 * The typed failures of http.request: an error answer, a timeout, a cancelled attempt, a body
 * too large or not JSON, a network failure. Each says whether to retry, and none carries a
 * secret: targets leave out the query string, and body snippets hide the auth values sent.
 */
import {
  NodeExecutionError,
  PatchbayError,
  parseRetryAfter,
  REDACTED,
  toNodeError,
} from '@patchbay/engine';
import { formatBytes, ResponseNotJsonError, ResponseTooLargeError } from './http-response.ts';

/** What error messages may say about a request. */
export type ErrorSite = {
  nodeId: string;
  /** `GET https://api.example.com/orders`: method, origin and path, never the query. */
  target: string;
  /** Secret values put on the request (tokens, the Basic pair): hidden wherever text is shown. */
  hide: (text: string) => string;
};

/** A `hide` that replaces each of `values` (4 characters or more) with `***`. */
export function hiding(values: () => readonly string[]): (text: string) => string {
  return (text) => {
    let result = text;
    for (const value of values()) {
      if (value.length >= 4 && result.includes(value)) result = result.split(value).join(REDACTED);
    }
    return result;
  };
}

export function statusError(
  site: ErrorSite,
  response: { status: number; statusText: string; headers: Headers },
  snippet: string,
  now: Date,
): NodeExecutionError {
  const { status, statusText } = response;
  // 5xx and 429 are transient; a 429 is the upstream asking callers to slow down (a throttle).
  const throttled = status === 429;
  const retryable = status >= 500 || throttled;
  const retryAfterMs = retryable
    ? parseRetryAfter(response.headers.get('retry-after'), now)
    : undefined;
  return new NodeExecutionError(
    site.nodeId,
    'HTTP_STATUS',
    `Node "${site.nodeId}": ${site.target} answered ${status} ${statusText}`.trimEnd(),
    {
      retryable,
      ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      ...(throttled ? { waitReason: 'throttled' as const } : {}),
      details: {
        status,
        statusText,
        body: site.hide(snippet),
        ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
      },
    },
  );
}

export type FailureState = {
  timedOut: boolean;
  timeoutMs: number;
  signal: AbortSignal;
  maxResponseBytes: number;
  /** The page being read (1 without pagination): past the first, the size limit is a total. */
  page: number;
};

export function toHttpError(
  site: ErrorSite,
  error: unknown,
  state: FailureState,
): NodeExecutionError {
  if (error instanceof NodeExecutionError) return error;
  const { nodeId, target } = site;
  const node = `Node "${nodeId}"`;
  if (state.timedOut) {
    return new NodeExecutionError(
      nodeId,
      'HTTP_TIMEOUT',
      `${node}: ${target} did not complete within ${state.timeoutMs} ms`,
      { retryable: true, details: { timeoutMs: state.timeoutMs }, cause: error },
    );
  }
  if (state.signal.aborted) {
    // The executor aborts an attempt with a typed reason (STEP_TIMEOUT, RUN_TIMEOUT); keep it.
    const reason: unknown = state.signal.reason;
    if (reason instanceof PatchbayError) return toNodeError(nodeId, reason);
    return new NodeExecutionError(nodeId, 'CANCELLED', `${node}: ${target} was cancelled`, {
      cause: error,
    });
  }
  // A typed refusal from the injected fetch (e.g. the egress policy's EGRESS_DENIED) or from the
  // OAuth token source keeps its code and retry decision; fetch may report it as the cause.
  const typed = typedErrorOf(error);
  if (typed) return toNodeError(nodeId, typed);
  if (error instanceof ResponseTooLargeError) {
    const limit = formatBytes(error.limitBytes);
    return new NodeExecutionError(
      nodeId,
      'HTTP_RESPONSE_TOO_LARGE',
      state.page > 1
        ? `${node}: ${target} returned pages larger than ${formatBytes(state.maxResponseBytes)} in total (at page ${state.page})`
        : `${node}: ${target} returned a response body larger than ${limit}`,
      { details: { limitBytes: state.maxResponseBytes, page: state.page } },
    );
  }
  if (error instanceof ResponseNotJsonError) {
    return new NodeExecutionError(
      nodeId,
      'HTTP_INVALID_JSON',
      `${node}: ${target}: ${error.message}`,
      { details: { body: site.hide(error.snippet) } },
    );
  }
  return new NodeExecutionError(
    nodeId,
    'HTTP_NETWORK',
    `${node}: ${target} failed: ${site.hide(networkReason(error))}`,
    { retryable: true, cause: error },
  );
}

function typedErrorOf(error: unknown): PatchbayError | undefined {
  if (error instanceof PatchbayError) return error;
  const cause = error instanceof Error ? error.cause : undefined;
  return cause instanceof PatchbayError ? cause : undefined;
}

/** fetch reports "fetch failed" and hides the socket error in `cause`; surface the useful part. */
function networkReason(error: unknown): string {
  const cause = error instanceof Error ? error.cause : undefined;
  if (cause instanceof Error && cause.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
