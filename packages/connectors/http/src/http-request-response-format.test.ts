/**
 * http.request's responseFormat against a real local server: JSON, text in its charset, and
 * binary bodies as base64 within the size limit.
 */
import { NodeExecutionError } from '@patchbay/engine';
import { runNodeType } from '@patchbay/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpRequestNode } from './http-request.ts';
import { type LocalHttpServer, startLocalHttpServer } from './test-support/local-http-server.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAQAAAC1HAwCAAAAC0lEQVR42mNkYAAAAAYAAjCB0C8AAAAASUVORK5CYII=',
  'base64',
);

const node = createHttpRequestNode({ fetch: globalThis.fetch });
let server: LocalHttpServer;

beforeAll(async () => {
  server = await startLocalHttpServer((request, response) => {
    const send = (headers: Record<string, string>, body: string | Buffer) => {
      response.writeHead(200, headers);
      response.end(body);
    };
    switch (request.url) {
      case '/logo.png':
        return send({ 'content-type': 'image/png' }, PNG);
      case '/untyped-binary':
        return send({}, Buffer.from([0x00, 0xff, 0x10, 0x80]));
      case '/untyped-text':
        return send({}, 'plain words');
      case '/feed.xml':
        return send({ 'content-type': 'application/atom+xml' }, '<feed/>');
      case '/latin1':
        return send(
          { 'content-type': 'text/plain; charset=iso-8859-1' },
          Buffer.from([0x63, 0x61, 0x66, 0xe9]),
        );
      case '/json-as-text':
        return send({ 'content-type': 'text/plain' }, '{"a":1}');
      case '/json':
        return send({ 'content-type': 'application/json' }, '{"a":1}');
      case '/big.bin':
        return send({ 'content-type': 'application/octet-stream' }, Buffer.alloc(2048, 7));
      default:
        response.writeHead(404);
        return response.end();
    }
  });
});

afterAll(() => server.close());

const bodyOf = async (path: string, config: Record<string, unknown> = {}) => {
  const result = await runNodeType(node, { url: `${server.baseUrl}${path}`, ...config });
  return (result.output as { body: unknown }).body;
};

describe('http.request responseFormat', () => {
  it('outputs a PNG as base64 with its content type and byte count', async () => {
    const body = await bodyOf('/logo.png');
    expect(body).toEqual({
      encoding: 'base64',
      data: PNG.toString('base64'),
      contentType: 'image/png',
      bytes: PNG.byteLength,
    });
    expect(Buffer.from((body as { data: string }).data, 'base64').equals(PNG)).toBe(true);
  });

  it('tells text from binary by the bytes when there is no content type', async () => {
    expect(await bodyOf('/untyped-text')).toBe('plain words');
    expect(await bodyOf('/untyped-binary')).toEqual({
      encoding: 'base64',
      data: 'AP8QgA==',
      contentType: 'application/octet-stream',
      bytes: 4,
    });
  });

  it('reads XML as text and text in its charset', async () => {
    expect(await bodyOf('/feed.xml')).toBe('<feed/>');
    expect(await bodyOf('/latin1')).toBe('café');
  });

  it('forces a format: json parses any content type, text and binary keep JSON raw', async () => {
    expect(await bodyOf('/json-as-text', { responseFormat: 'json' })).toEqual({ a: 1 });
    expect(await bodyOf('/json', { responseFormat: 'text' })).toBe('{"a":1}');
    expect(await bodyOf('/json', { responseFormat: 'binary' })).toMatchObject({
      encoding: 'base64',
      data: Buffer.from('{"a":1}').toString('base64'),
      contentType: 'application/json',
      bytes: 7,
    });
  });

  it('fails json on a body that does not parse, saying the format asked for it', async () => {
    const error = await bodyOf('/feed.xml', { responseFormat: 'json' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NodeExecutionError);
    expect(error).toMatchObject({ code: 'HTTP_INVALID_JSON', details: { body: '<feed/>' } });
    expect((error as Error).message).toContain('response body does not parse as JSON');
  });

  it('keeps binary bodies within the response size limit', async () => {
    const small = createHttpRequestNode({ fetch: globalThis.fetch, maxResponseBytes: 1024 });
    const error = await runNodeType(small, { url: `${server.baseUrl}/big.bin` }).catch(
      (e: unknown) => e,
    );
    expect(error).toMatchObject({
      code: 'HTTP_RESPONSE_TOO_LARGE',
      retryable: false,
      details: { limitBytes: 1024, page: 1 },
    });
    const fits = createHttpRequestNode({ fetch: globalThis.fetch, maxResponseBytes: 2048 });
    const result = await runNodeType(fits, { url: `${server.baseUrl}/big.bin` });
    expect(result.output).toMatchObject({ body: { encoding: 'base64', bytes: 2048 } });
  });
});
