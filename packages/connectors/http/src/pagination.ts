/**
 * Pagination for http.request: which request comes next, from the response just received, and
 * how pages are collected into one output. Pure: the node sends the requests.
 *
 * Modes (config `pagination.mode`):
 * - linkHeader: follow `Link: <…>; rel="next"` (GitHub, GitLab).
 * - cursor: read the next cursor at `cursorPath` in the body, send it as query `cursorParam`.
 * - offset: send `offsetParam` = items so far (and `limitParam` = `limit`).
 * - page: send `pageParam` = 1, 2, 3 … (from `firstPage`).
 * Every mode stops at `maxPages`; offset and page also stop at an empty (or short) page.
 */
import { z } from 'zod';

export const PAGINATION_MODES = ['linkHeader', 'cursor', 'offset', 'page'] as const;
export type PaginationMode = (typeof PAGINATION_MODES)[number];

export const MAX_PAGES_LIMIT = 1_000;

const dottedPath = (label: string) =>
  z
    .string({ error: `${label} must be a dotted path, e.g. data.items` })
    .trim()
    .max(200, `${label} must be at most 200 characters`)
    .regex(
      /^[A-Za-z0-9_$-]+(\.[A-Za-z0-9_$-]+)*$/,
      `${label} must be a dotted path, e.g. data.items`,
    );

const paramName = (label: string) =>
  z
    .string({ error: `${label} must be a query parameter name` })
    .trim()
    .min(1, `${label} must not be empty`)
    .max(100, `${label} must be at most 100 characters`);

export const paginationSchema = z
  .strictObject({
    mode: z.enum(PAGINATION_MODES, {
      error: `Pagination mode must be one of ${PAGINATION_MODES.join(', ')}`,
    }),
    maxPages: z
      .number({ error: 'Max pages must be a number' })
      .int('Max pages must be a whole number')
      .min(1, 'Max pages must be at least 1')
      .max(MAX_PAGES_LIMIT, `Max pages must be at most ${MAX_PAGES_LIMIT}`)
      .default(10)
      .describe('Requests at most; the output says `truncated` when there were more pages.'),
    itemsPath: dottedPath('Items path')
      .optional()
      .describe(
        'Where each page holds its items, e.g. data.items. Empty: the body itself (an array).',
      ),
    cursorPath: dottedPath('Cursor path')
      .optional()
      .describe('cursor mode: where the body holds the next cursor, e.g. meta.next_cursor.'),
    cursorParam: paramName('Cursor parameter')
      .default('cursor')
      .describe('cursor mode: the query parameter the cursor is sent in.'),
    offsetParam: paramName('Offset parameter').default('offset'),
    limitParam: paramName('Limit parameter').default('limit'),
    limit: z
      .number({ error: 'Limit must be a number' })
      .int('Limit must be a whole number')
      .min(1, 'Limit must be at least 1')
      .max(100_000, 'Limit must be at most 100000')
      .default(100)
      .describe('offset mode: items per page, sent as the limit parameter.'),
    pageParam: paramName('Page parameter').default('page'),
    firstPage: z
      .number({ error: 'First page must be a number' })
      .int('First page must be a whole number')
      .min(0, 'First page must not be negative')
      .default(1),
  })
  .superRefine((config, ctx) => {
    if (config.mode === 'cursor' && !config.cursorPath) {
      ctx.addIssue({
        code: 'custom',
        message: 'Cursor mode needs a cursor path: where the body holds the next cursor',
        path: ['cursorPath'],
        input: config.cursorPath,
      });
    }
  });

export type PaginationConfig = z.infer<typeof paginationSchema>;

/** What the node learned from one page. */
export type PageResponse = {
  url: URL;
  /** The raw `Link` header, if any. */
  link: string | null;
  body: unknown;
};

export type PaginationState = {
  pages: number;
  items: unknown[];
};

export class PaginationBodyError extends Error {}

/** The items of one page: at `itemsPath`, or the body itself. Must be an array. */
export function itemsOf(config: PaginationConfig, body: unknown): unknown[] {
  const items = config.itemsPath ? valueAt(body, config.itemsPath) : body;
  if (Array.isArray(items)) return items;
  const where = config.itemsPath ? `at "${config.itemsPath}"` : 'as the body';
  throw new PaginationBodyError(
    `expected an array of items ${where}, got ${items === undefined ? 'nothing' : typeof items}; set pagination.itemsPath`,
  );
}

/** The first request's URL: page and offset modes send their parameters from the start. */
export function firstPageUrl(config: PaginationConfig, url: URL): URL {
  const next = new URL(url);
  if (config.mode === 'offset') {
    next.searchParams.set(config.offsetParam, '0');
    next.searchParams.set(config.limitParam, String(config.limit));
  } else if (config.mode === 'page') {
    next.searchParams.set(config.pageParam, String(config.firstPage));
  }
  return next;
}

/**
 * The URL of the next page, or undefined when the last page was the last one. `state` already
 * counts the page in `response` (its items included).
 */
export function nextPageUrl(
  config: PaginationConfig,
  response: PageResponse,
  pageItems: readonly unknown[],
  state: PaginationState,
): URL | undefined {
  switch (config.mode) {
    case 'linkHeader': {
      const next = nextLink(response.link);
      return next ? new URL(next, response.url) : undefined;
    }
    case 'cursor': {
      const cursor = valueAt(response.body, config.cursorPath ?? '');
      if (cursor === undefined || cursor === null || cursor === '' || cursor === false)
        return undefined;
      const next = new URL(response.url);
      next.searchParams.set(config.cursorParam, String(cursor));
      return next;
    }
    case 'offset': {
      if (pageItems.length === 0 || pageItems.length < config.limit) return undefined;
      const next = new URL(response.url);
      next.searchParams.set(config.offsetParam, String(state.items.length));
      next.searchParams.set(config.limitParam, String(config.limit));
      return next;
    }
    case 'page': {
      if (pageItems.length === 0) return undefined;
      const next = new URL(response.url);
      next.searchParams.set(config.pageParam, String(config.firstPage + state.pages));
      return next;
    }
  }
}

/** The target of `rel="next"` in a Link header (RFC 8288), if any. */
export function nextLink(header: string | null): string | undefined {
  if (!header) return undefined;
  for (const part of splitLinks(header)) {
    const match = /^\s*<([^>]*)>(.*)$/s.exec(part);
    if (!match) continue;
    const rels = /;\s*rel\s*=\s*(?:"([^"]*)"|([^\s;,]+))/i.exec(match[2] ?? '');
    const rel = rels?.[1] ?? rels?.[2];
    if (rel?.split(/\s+/).some((value) => value.toLowerCase() === 'next')) return match[1];
  }
  return undefined;
}

/** Splits on the commas between links, not those inside <…> or quotes. */
function splitLinks(header: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let quoted = false;
  let start = 0;
  for (let i = 0; i < header.length; i++) {
    const char = header[i];
    if (char === '"') quoted = !quoted;
    else if (!quoted && char === '<') depth++;
    else if (!quoted && char === '>') depth = Math.max(0, depth - 1);
    else if (!quoted && depth === 0 && char === ',') {
      parts.push(header.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(header.slice(start));
  return parts;
}

/** The value at a dotted path (own properties only; array indexes allowed). */
export function valueAt(value: unknown, path: string): unknown {
  let current = value;
  for (const key of path.split('.')) {
    if (typeof current !== 'object' || current === null || !Object.hasOwn(current, key)) {
      return undefined;
    }
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
