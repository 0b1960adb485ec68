import { describeConnector } from '@patchbay/engine/connector-kit';
import { beforeAll } from 'vitest';
import { createHttpConnector } from './index.ts';
import { closedPort } from './test-support/local-http-server.ts';

let port = 0;
beforeAll(async () => {
  port = await closedPort();
});

describeConnector(createHttpConnector({ fetch: globalThis.fetch }), {
  failingExamples: {
    'http.request': [
      {
        name: 'a templated URL that renders to no URL',
        config: { url: '{{ $.next }}' },
        run: { input: { next: 'not a url' } },
        code: 'HTTP_INVALID_URL',
        retried: false,
      },
      {
        name: 'a host where nothing listens',
        config: { url: '{{ $.url }}' },
        get run() {
          return { input: { url: `http://127.0.0.1:${port}/` } };
        },
        code: 'HTTP_NETWORK',
        retried: true,
      },
      {
        name: 'a credential that does not exist',
        config: { url: 'https://api.example.com/', auth: { credentialId: 'cred_gone' } },
        code: 'CREDENTIAL_NOT_FOUND',
        retried: false,
      },
      {
        name: 'a credential of a type HTTP cannot use',
        config: { url: 'https://api.example.com/', auth: { credentialId: 'cred_hmac' } },
        run: {
          credential: async <Data>() => ({ type: 'hmacSecret', data: { secret: 'x' } as Data }),
        },
        code: 'CREDENTIAL_TYPE_NOT_ACCEPTED',
        retried: false,
      },
    ],
  },
  configExamples: {
    'http.request': [
      {
        url: 'https://api.example.com/items',
        auth: { credentialId: 'cred_1' },
        responseFormat: 'json',
        pagination: { mode: 'cursor', cursorPath: 'meta.next', itemsPath: 'data', maxPages: 50 },
      },
      { url: 'https://cdn.example.com/logo.png', responseFormat: 'binary' },
      {
        method: 'POST',
        url: 'https://api.example.com/orders/{{ $.id }}',
        headers: { 'X-Trace': '{{ $trigger.trace }}' },
        bodyType: 'json',
        body: '{{ $.order }}',
      },
    ],
  },
});
