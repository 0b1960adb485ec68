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
    ],
  },
  configExamples: {
    'http.request': [
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
