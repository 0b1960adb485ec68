/**
 * Reading an HTTP response: a size-limited body, decoded per the node's `responseFormat` (JSON,
 * text, or binary as base64), and plain headers.
 */

export const RESPONSE_FORMATS = ['auto', 'json', 'text', 'binary'] as const;
export type ResponseFormat = (typeof RESPONSE_FORMATS)[number];

/** A binary body in the output: the bytes as base64, with their media type and count. */
export type BinaryBody = {
  encoding: 'base64';
  data: string;
  contentType: string;
  bytes: number;
};

/** Thrown when a response body is larger than the limit; the caller turns it into a node error. */
export class ResponseTooLargeError extends Error {
  constructor(readonly limitBytes: number) {
    super(`response body is larger than ${formatBytes(limitBytes)}`);
    this.name = 'ResponseTooLargeError';
  }
}

/** Thrown when a response is read as JSON but its body does not parse. */
export class ResponseNotJsonError extends Error {
  constructor(
    readonly snippet: string,
    readonly declared: boolean,
    cause: unknown,
  ) {
    super(
      `${declared ? 'response declares JSON but its body' : 'response body'} does not parse as JSON: ${String(cause)}`,
      { cause },
    );
    this.name = 'ResponseNotJsonError';
  }
}

/** Reads at most `limitBytes`, cancelling the stream as soon as the limit is passed. */
export async function readBodyBytes(response: Response, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > limitBytes) {
    await response.body?.cancel();
    throw new ResponseTooLargeError(limitBytes);
  }
  if (!response.body) return new Uint8Array(0);
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > limitBytes) {
      await reader.cancel();
      throw new ResponseTooLargeError(limitBytes);
    }
    chunks.push(value);
  }
  return chunks.length === 1 && chunks[0] ? chunks[0] : Buffer.concat(chunks);
}

function mediaTypeOf(contentType: string | null): string {
  return contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? '';
}

export function isJsonContentType(contentType: string | null): boolean {
  const mediaType = mediaTypeOf(contentType);
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

const TEXT_MEDIA_TYPES: ReadonlySet<string> = new Set([
  'application/xml',
  'application/javascript',
  'application/ecmascript',
  'application/x-www-form-urlencoded',
  'application/yaml',
  'application/x-yaml',
  'application/graphql',
  'application/csv',
  'application/x-ndjson',
  'application/jsonl',
]);

/** text/*, XML and other textual media types, or any type that names a charset. */
export function isTextContentType(contentType: string | null): boolean {
  const mediaType = mediaTypeOf(contentType);
  return (
    mediaType.startsWith('text/') ||
    mediaType.endsWith('+xml') ||
    TEXT_MEDIA_TYPES.has(mediaType) ||
    /;\s*charset\s*=/i.test(contentType ?? '')
  );
}

/**
 * The body as the output holds it. `auto`: JSON when the content type says so (an empty body is
 * null), text for textual types, base64 for anything else; without a content type, text when the
 * bytes are valid UTF-8 without NUL characters, else base64. `json`, `text` and `binary` force it.
 */
export function decodeBody(
  bytes: Uint8Array,
  contentType: string | null,
  format: ResponseFormat = 'auto',
): unknown {
  switch (format) {
    case 'json':
      return parseJson(bytes, isJsonContentType(contentType));
    case 'text':
      return decodeText(bytes, contentType);
    case 'binary':
      return binaryBody(bytes, contentType);
    case 'auto': {
      if (isJsonContentType(contentType)) return parseJson(bytes, true);
      if (isTextContentType(contentType)) return decodeText(bytes, contentType);
      if (!contentType) {
        const text = strictUtf8(bytes);
        if (text !== undefined && !text.includes('\u0000')) return text;
      }
      return binaryBody(bytes, contentType);
    }
  }
}

function parseJson(bytes: Uint8Array, declared: boolean): unknown {
  const text = new TextDecoder().decode(bytes);
  if (text.trim() === '') return null;
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new ResponseNotJsonError(
      snippetOf(text),
      declared,
      error instanceof Error ? error.message : error,
    );
  }
}

/** Text in the response's charset (UTF-8 when it names none, or one TextDecoder lacks). */
function decodeText(bytes: Uint8Array, contentType: string | null): string {
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(contentType ?? '')?.[1];
  try {
    return new TextDecoder(charset ?? 'utf-8').decode(bytes);
  } catch {
    // An unknown label (RangeError): read it as UTF-8.
    return new TextDecoder().decode(bytes);
  }
}

function strictUtf8(bytes: Uint8Array): string | undefined {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
}

function binaryBody(bytes: Uint8Array, contentType: string | null): BinaryBody {
  return {
    encoding: 'base64',
    data: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64'),
    contentType: contentType ?? 'application/octet-stream',
    bytes: bytes.byteLength,
  };
}

/** A short, readable piece of a body for error details (binary bodies are described instead). */
export function bodySnippet(bytes: Uint8Array, contentType: string | null): string {
  const text = decodeBody(bytes, contentType, isJsonContentType(contentType) ? 'text' : 'auto');
  if (typeof text === 'string') return snippetOf(text);
  return `<${bytes.byteLength} bytes of ${contentType ?? 'binary data'}>`;
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

export function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}
