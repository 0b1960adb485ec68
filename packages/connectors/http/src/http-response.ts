/** Reading an HTTP response: a size-limited body, decoded as JSON or text, and plain headers. */

/** Thrown when a response body is larger than the limit; the caller turns it into a node error. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`response body is larger than ${formatBytes(limitBytes)}`);
    this.name = 'ResponseTooLargeError';
  }
}

/** Thrown when a response says it is JSON but its body does not parse. */
export class ResponseNotJsonError extends Error {
  constructor(
    readonly snippet: string,
    cause: unknown,
  ) {
    super(`response declares JSON but its body does not parse: ${String(cause)}`, { cause });
    this.name = 'ResponseNotJsonError';
  }
}

/** Reads at most `limitBytes`, cancelling the stream as soon as the limit is passed. */
export async function readBodyText(response: Response, limitBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limitBytes) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(limitBytes);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let received = 0;
  let text = '';
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limitBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(limitBytes);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}

export function isJsonContentType(contentType: string | null): boolean {
  if (!contentType) return false;
  const mediaType = contentType.split(';', 1)[0]?.trim().toLowerCase() ?? '';
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

/** Parsed JSON for JSON content types (an empty body is null), otherwise the text. */
export function decodeBody(text: string, contentType: string | null): unknown {
  if (!isJsonContentType(contentType)) return text;
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResponseNotJsonError(snippetOf(text), error instanceof Error ? error.message : error);
  }
}

export function headersToRecord(headers: Headers): Record<string, string> {
  const record: Record<string, string> = {};
  // Headers yields each Set-Cookie separately; keep them all, comma-joined like other headers.
  for (const [name, value] of headers) {
    const previous = record[name];
    record[name] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return record;
}

const SNIPPET_CHARS = 500;

export function snippetOf(text: string): string {
  return text.length > SNIPPET_CHARS ? `${text.slice(0, SNIPPET_CHARS)}…` : text;
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
