/** Signing in over HTTP the way the web app does, for tests: POST /auth/login, keep the cookie. */
export type SignInResponse = {
  status: number;
  body: Record<string, unknown>;
  /** The session cookie as a Cookie header value ("patchbay_session=…"), when one was set. */
  cookie: string | undefined;
  /** The raw Set-Cookie header. */
  setCookie: string | null;
  retryAfter: string | null;
};

export async function signIn(
  baseUrl: string,
  credentials: { email: string; password: string },
  headers: Record<string, string> = { origin: baseUrl },
): Promise<SignInResponse> {
  const response = await fetch(`${baseUrl}/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(credentials),
  });
  const setCookie = response.headers.get('set-cookie');
  const cookie = /^(patchbay_session=[^;]+)/.exec(setCookie ?? '')?.[1];
  return {
    status: response.status,
    body: (await response.json()) as Record<string, unknown>,
    cookie,
    setCookie,
    retryAfter: response.headers.get('retry-after'),
  };
}

/** Headers a browser on this site sends with a cookie-authenticated write. */
export function cookieHeaders(baseUrl: string, cookie: string): Record<string, string> {
  return { cookie, origin: baseUrl };
}
