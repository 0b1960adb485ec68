/**
 * The run input a webhook request becomes, which is also the trigger node's output:
 * `{ method, path, headers, query, body }`, headers lower-cased, body parsed by its content type.
 */

export type WebhookInput = {
  method: string;
  /** The key the request came in on: the flow id or the node's path. */
  path: string;
  headers: Record<string, string>;
  query: Record<string, string | string[]>;
  /** Parsed JSON, a parsed form (repeated fields as arrays), text, or null without a body. */
  body: unknown;
};

export class WebhookBodyError extends Error {
  readonly code = 'WEBHOOK_BODY_INVALID';
}

/** JSON bodies: application/json and every `+json` type (application/vnd.github+json, …). */
function isJson(mediaType: string): boolean {
  return mediaType === 'application/json' || mediaType.endsWith('+json');
}

export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** Throws WebhookBodyError for a JSON body that does not parse. */
export function parseWebhookBody(rawBody: Buffer, contentType: string | undefined): unknown {
  if (rawBody.length === 0) return null;
  const mediaType = mediaTypeOf(contentType);
  const text = rawBody.toString('utf8');
  if (isJson(mediaType)) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw new WebhookBodyError(
        `The body is not valid JSON (Content-Type ${mediaType}): ${(error as Error).message}`,
      );
    }
  }
  if (mediaType === 'application/x-www-form-urlencoded') return formOf(new URLSearchParams(text));
  return text;
}

/** A query string or form: one value as a string, a repeated name as an array. */
export function formOf(params: URLSearchParams): Record<string, string | string[]> {
  const form: Record<string, string | string[]> = {};
  for (const [name, value] of params) {
    const existing = Object.hasOwn(form, name) ? form[name] : undefined;
    const next =
      existing === undefined
        ? value
        : Array.isArray(existing)
          ? [...existing, value]
          : [existing, value];
    // defineProperty: a field may be called "__proto__".
    Object.defineProperty(form, name, {
      value: next,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return form;
}

/** Node's incoming headers, lower-cased already, as plain strings (repeats joined with ", "). */
export function headersOf(
  headers: Readonly<Record<string, string | string[] | undefined>>,
): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    result[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return result;
}
