import { describe, expect, it } from 'vitest';
import { literalSecretWarnings } from './literal-secrets.ts';

describe('literalSecretWarnings', () => {
  it('warns about literal secrets in headers and query, suggesting a credential', () => {
    const warnings = literalSecretWarnings({
      headers: { Authorization: 'Bearer sk_live_123', Accept: 'application/json' },
      query: { api_key: 'abc123', page: '2' },
    });
    expect(warnings).toEqual([
      { path: ['headers', 'Authorization'], message: expect.stringContaining('httpBearer') },
      { path: ['query', 'api_key'], message: expect.stringContaining('httpQuery credential') },
    ]);
  });

  it('leaves computed and empty values alone', () => {
    expect(
      literalSecretWarnings({
        headers: { Authorization: '{{ $trigger.token }}', 'X-Api-Key': '' },
        query: { token: '{{ $.token }}' },
      }),
    ).toEqual([]);
  });
});
