/**
 * Signing in with email and password: throttled per IP and per email, and as slow for an unknown
 * email as for a wrong password (argon2 runs either way). Success opens a session; every attempt
 * is written to the audit log.
 */
import { TooManyAttemptsError, UnauthenticatedError } from '../domain-errors.ts';
import type { AuditLog } from './audit-log.ts';
import { normalizeEmail } from './email.ts';
import { verifyPassword } from './password.ts';
import type { Principal, RequestOrigin } from './principal.ts';
import { isRole } from './roles.ts';
import type { NewSession, SessionService } from './session-service.ts';
import type { SignInThrottle } from './sign-in-throttle.ts';
import type { UserService, UserView } from './user-service.ts';
import { toUserView } from './user-service.ts';

export type SignInResult = { session: NewSession; user: UserView };

export class SignInService {
  constructor(
    private readonly deps: {
      users: UserService;
      sessions: SessionService;
      throttle: SignInThrottle;
      audit: AuditLog;
    },
  ) {}

  async signIn(
    credentials: { email: string; password: string },
    origin: RequestOrigin,
  ): Promise<SignInResult> {
    const email = normalizeEmail(credentials.email);
    const keys = { ip: origin.ip, email };
    const anonymous = { kind: 'anonymous', label: email } as const;
    const retryAfterMs = await this.deps.throttle.retryAfterMs(keys);
    if (retryAfterMs > 0) {
      this.deps.audit.record({
        actor: anonymous,
        action: 'auth.login',
        outcome: 'denied',
        errorCode: 'SIGN_IN_THROTTLED',
        origin,
      });
      const seconds = Math.ceil(retryAfterMs / 1000);
      throw new TooManyAttemptsError(
        'SIGN_IN_THROTTLED',
        `Too many failed sign-ins. Try again in ${seconds} second${seconds === 1 ? '' : 's'}.`,
        { retryAfterMs },
      );
    }
    const user = await this.deps.users.findForSignIn(email);
    const passwordOk = await verifyPassword(user?.passwordHash, credentials.password);
    if (!user || !passwordOk || user.deactivatedAt !== null || !isRole(user.role)) {
      await this.deps.throttle.recordFailure(keys);
      this.deps.audit.record({
        actor: anonymous,
        action: 'auth.login',
        outcome: 'failed',
        errorCode: 'INVALID_CREDENTIALS',
        origin,
      });
      throw new UnauthenticatedError('The email or password is not right.');
    }
    const session = await this.deps.sessions.create(user.id, origin);
    await this.deps.users.markSignedIn(user.id);
    const principal: Principal = {
      kind: 'session',
      userId: user.id,
      email: user.email,
      name: user.name,
      role: user.role,
    };
    this.deps.audit.record({ actor: principal, action: 'auth.login', outcome: 'ok', origin });
    return { session, user: toUserView(user) };
  }

  async signOut(sessionSecret: string, principal: Principal | null, origin: RequestOrigin) {
    await this.deps.sessions.revoke(sessionSecret);
    if (principal) {
      this.deps.audit.record({ actor: principal, action: 'auth.logout', outcome: 'ok', origin });
    }
  }
}
