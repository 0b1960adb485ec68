/**
 * http.request with `pagination`: sends page after page (each its own call through
 * ctx.upstream), collects their items into one body, and stops at the last page, at
 * `maxPages` (then `truncated` is true), or at the response size limit across all pages.
 */
import { type NodeExecutionContext, NodeExecutionError } from '@patchbay/engine';
import {
  exchange,
  type OutgoingRequest,
  type ReceivedResponse,
  type Transport,
  targetOf,
} from './http-exchange.ts';
import type { HttpRequestConfig } from './http-request-config.ts';
import {
  firstPageUrl,
  itemsOf,
  nextPageUrl,
  PaginationBodyError,
  type PaginationConfig,
  type PaginationState,
} from './pagination.ts';

export type HttpPaginatedOutput = {
  /** Of the last page requested. */
  status: number;
  statusText: string;
  headers: Record<string, string>;
  /** The items of every page, in order. */
  body: unknown[];
  /** Pages received (an empty last page included; an error answer not). At most maxPages. */
  pages: number;
  /** True when pages were left: `maxPages` was reached, or an error answer stopped it. */
  truncated: boolean;
  /** With failOnHttpError false, the body of the error answer that stopped pagination. */
  errorBody?: unknown;
};

type Context = NodeExecutionContext<HttpRequestConfig>;

export async function sendPaginated(
  ctx: Context,
  transport: Transport,
  request: OutgoingRequest,
  pagination: PaginationConfig,
): Promise<HttpPaginatedOutput> {
  const state: PaginationState = { pages: 0, items: [] };
  let url = firstPageUrl(pagination, request.url);
  let usedBytes = 0;
  for (;;) {
    const page = state.pages + 1;
    const response = await exchange(
      ctx,
      transport,
      { ...request, url },
      { budgetBytes: transport.maxResponseBytes - usedBytes, page },
    );
    usedBytes += response.bytes;
    const output = (truncated: boolean): HttpPaginatedOutput => ({
      status: response.status,
      statusText: response.statusText,
      headers: response.headers,
      body: state.items,
      pages: state.pages,
      truncated,
    });
    // Only with failOnHttpError false: the error answer ends the collection, kept for the flow.
    if (response.status >= 400) return { ...output(true), errorBody: response.body };

    const items = pageItems(ctx, pagination, response, { url, page });
    state.pages = page;
    for (const item of items) state.items.push(item);
    const next = nextPageUrl(
      pagination,
      { url, link: response.link, body: response.body },
      items,
      state,
    );
    if (!next) return output(false);
    if (state.pages >= pagination.maxPages) return output(true);
    if (request.auth && next.origin !== request.url.origin) {
      throw new NodeExecutionError(
        ctx.nodeId,
        'HTTP_PAGINATION',
        `Node "${ctx.nodeId}": page ${page} of ${targetOf(ctx.config.method, url)} links its next page to ${next.origin}, another origin; the credential is only sent to ${request.url.origin}`,
        { nonRetryable: true, details: { field: 'pagination', page, nextOrigin: next.origin } },
      );
    }
    url = next;
  }
}

function pageItems(
  ctx: Context,
  pagination: PaginationConfig,
  response: ReceivedResponse,
  at: { url: URL; page: number },
): unknown[] {
  try {
    return itemsOf(pagination, response.body);
  } catch (error) {
    if (!(error instanceof PaginationBodyError)) throw error;
    // The upstream's answer does not have the configured shape: a retry would not change it.
    throw new NodeExecutionError(
      ctx.nodeId,
      'HTTP_PAGINATION',
      `Node "${ctx.nodeId}": page ${at.page} of ${targetOf(ctx.config.method, at.url)}: ${error.message}`,
      {
        details: {
          field: pagination.itemsPath ? 'pagination.itemsPath' : 'pagination',
          page: at.page,
        },
      },
    );
  }
}
