/**
 * The browser and multi-process tests' side of the secret check (the server tests have
 * apps/server/src/test-support/known-secrets.ts): the API client remembers the secret fields it
 * sends to credentials.create/update and fails any response that carries one. Secret field names
 * come from credentials.types, fetched once per server.
 */
const secrets = new Set<string>();
const leaks: string[] = [];
const MIN_LENGTH = 4;

export function takeLeaks(): string[] {
  return leaks.splice(0, leaks.length);
}

type FetchInit = { body?: unknown };

/** A fetch for httpBatchLink that registers sent secrets and checks every response body. */
export function secretCheckingFetch(
  baseUrl: string,
  headers: Record<string, string>,
): (input: string | URL | Request, init?: FetchInit) => Promise<Response> {
  let secretFields: Promise<Set<string>> | undefined;
  const fieldsOf = () => {
    secretFields ??= fetch(`${baseUrl}/trpc/credentials.types`, { headers })
      .then(
        (response) =>
          response.json() as Promise<{ result?: { data?: { secretFields: string[] }[] } }>,
      )
      .then((body) => new Set((body.result?.data ?? []).flatMap((type) => type.secretFields)))
      .catch(() => new Set<string>());
    return secretFields;
  };
  return async (input, init) => {
    const url = String(input instanceof Request ? input.url : input);
    if (/credentials\.(create|update)/.test(url) && typeof init?.body === 'string') {
      const fields = await fieldsOf();
      const inputs = Object.values(JSON.parse(init.body) as Record<string, unknown>);
      for (const item of inputs) {
        const data = (item as { data?: Record<string, unknown> } | null)?.data ?? {};
        for (const [field, value] of Object.entries(data)) {
          if (fields.has(field) && typeof value === 'string' && value.length >= MIN_LENGTH) {
            secrets.add(value);
          }
        }
      }
    }
    const response = await fetch(input, init as RequestInit);
    const text = await response.clone().text();
    for (const secret of secrets) {
      if (text.includes(secret)) {
        const leak = `The response to ${url} contains the secret value of a credential`;
        leaks.push(leak);
        throw new Error(leak);
      }
    }
    return response;
  };
}
