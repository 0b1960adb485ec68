import { describe, expect, it } from 'vitest';
import {
  firstPageUrl,
  itemsOf,
  nextLink,
  nextPageUrl,
  type PaginationConfig,
  paginationSchema,
} from './pagination.ts';

const config = (raw: Record<string, unknown>): PaginationConfig => paginationSchema.parse(raw);
const base = new URL('https://api.example.com/items?q=1');

describe('nextLink', () => {
  it('finds rel="next" among several links, quoted or not', () => {
    const header =
      '<https://api.example.com/items?page=1>; rel="prev", <https://api.example.com/items?page=3>; rel="next", <https://x/last>; rel=last';
    expect(nextLink(header)).toBe('https://api.example.com/items?page=3');
    expect(nextLink('</p/2>; rel=next')).toBe('/p/2');
    expect(nextLink('</p/2>; title="a, b"; rel="next prefetch"')).toBe('/p/2');
  });

  it('is undefined without a next link', () => {
    expect(nextLink(null)).toBeUndefined();
    expect(nextLink('<https://x/1>; rel="prev"')).toBeUndefined();
  });
});

describe('nextPageUrl', () => {
  it('follows the Link header, resolving relative targets', () => {
    const pages = config({ mode: 'linkHeader' });
    const next = nextPageUrl(
      pages,
      { url: base, link: '</items?page=2>; rel="next"', body: [] },
      [1],
      {
        pages: 1,
        items: [1],
      },
    );
    expect(next?.toString()).toBe('https://api.example.com/items?page=2');
  });

  it('sends the cursor found in the body, and stops at an empty one', () => {
    const pages = config({ mode: 'cursor', cursorPath: 'meta.next', cursorParam: 'after' });
    const body = { data: [1], meta: { next: 'abc' } };
    expect(
      nextPageUrl(pages, { url: base, link: null, body }, [1], { pages: 1, items: [1] })?.search,
    ).toBe('?q=1&after=abc');
    const last = { data: [1], meta: { next: null } };
    expect(
      nextPageUrl(pages, { url: base, link: null, body: last }, [1], { pages: 1, items: [1] }),
    ).toBe(undefined);
  });

  it('advances the offset by the items so far and stops at a short page', () => {
    const pages = config({ mode: 'offset', limit: 2 });
    const first = firstPageUrl(pages, base);
    expect(first.search).toBe('?q=1&offset=0&limit=2');
    const next = nextPageUrl(pages, { url: first, link: null, body: [] }, [1, 2], {
      pages: 1,
      items: [1, 2],
    });
    expect(next?.search).toBe('?q=1&offset=2&limit=2');
    expect(
      nextPageUrl(pages, { url: first, link: null, body: [] }, [3], { pages: 2, items: [1, 2, 3] }),
    ).toBe(undefined);
  });

  it('counts pages from firstPage and stops at an empty page', () => {
    const pages = config({ mode: 'page', firstPage: 0, pageParam: 'p' });
    const first = firstPageUrl(pages, base);
    expect(first.search).toBe('?q=1&p=0');
    expect(
      nextPageUrl(pages, { url: first, link: null, body: [] }, [1], { pages: 1, items: [1] })
        ?.search,
    ).toBe('?q=1&p=1');
    expect(
      nextPageUrl(pages, { url: first, link: null, body: [] }, [], { pages: 2, items: [1] }),
    ).toBe(undefined);
  });
});

describe('pagination config', () => {
  it('requires a cursor path in cursor mode, naming the field', () => {
    const result = paginationSchema.safeParse({ mode: 'cursor' });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({ path: ['cursorPath'] });
  });

  it('takes items from itemsPath and explains a body without an array', () => {
    expect(
      itemsOf(config({ mode: 'page', itemsPath: 'data.items' }), { data: { items: [1, 2] } }),
    ).toEqual([1, 2]);
    expect(() => itemsOf(config({ mode: 'page' }), { data: [] })).toThrow(
      /set pagination.itemsPath/,
    );
  });
});
