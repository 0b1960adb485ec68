/**
 * Signing in and out are plain HTTP, not tRPC: the server sets and clears an httpOnly cookie the
 * app never reads. Errors carry the server's message (wrong password, throttled, …).
 */
export class SignInError extends Error {}

export async function requestSignIn(email: string, password: string): Promise<void> {
  let response: Response;
  try {
    response = await fetch('/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, password }),
    });
  } catch {
    throw new SignInError('Patchbay is not reachable. Check that the server is running.');
  }
  if (response.ok) return;
  const body = (await response.json().catch(() => ({}))) as { message?: unknown };
  throw new SignInError(
    typeof body.message === 'string' ? body.message : `Sign-in failed (${response.status})`,
  );
}

export async function requestSignOut(): Promise<void> {
  await fetch('/auth/logout', { method: 'POST' });
}
