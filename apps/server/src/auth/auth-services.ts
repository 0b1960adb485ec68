/** Wires the account services once per process. */
import type { Clock } from '@patchbay/engine';
import type pg from 'pg';
import type { Logger } from 'pino';
import type { PrismaClient } from '../db/prisma-client.ts';
import { ApiTokenService } from './api-token-service.ts';
import { AuditLog } from './audit-log.ts';
import type { AuthConfig } from './auth-config.ts';
import { FirstOwnerSetup } from './first-owner-setup.ts';
import type { Principal } from './principal.ts';
import { SessionService } from './session-service.ts';
import { SignInService } from './sign-in-service.ts';
import {
  DEFAULT_SIGN_IN_THROTTLE,
  SignInThrottle,
  type SignInThrottlePolicy,
} from './sign-in-throttle.ts';
import { UserService } from './user-service.ts';

export type AuthServices = {
  config: AuthConfig;
  users: UserService;
  sessions: SessionService;
  tokens: ApiTokenService;
  signIn: SignInService;
  setup: FirstOwnerSetup;
  audit: AuditLog;
  /** The principal of a request's credentials: an API token, else a session cookie's secret. */
  authenticate(credentials: {
    bearer?: string | undefined;
    session?: string | undefined;
  }): Promise<Principal | null>;
  /** Deletes expired sessions and throttle state (called now and then). */
  deleteExpired(): Promise<void>;
};

export function createAuthServices(options: {
  prisma: PrismaClient;
  pool: pg.Pool;
  clock: Clock;
  logger: Logger;
  config: AuthConfig;
  throttle?: SignInThrottlePolicy;
}): AuthServices {
  const { prisma, pool, clock, config } = options;
  const sessions = new SessionService({
    pool,
    clock,
    idleMs: config.sessionIdleMs,
    maxMs: config.sessionMaxMs,
  });
  const tokens = new ApiTokenService({ prisma, pool, clock });
  const users = new UserService({ prisma, clock, sessions, tokens });
  const audit = new AuditLog({ pool, clock, logger: options.logger });
  const throttle = new SignInThrottle({
    pool,
    clock,
    policy: options.throttle ?? DEFAULT_SIGN_IN_THROTTLE,
  });
  return {
    config,
    users,
    sessions,
    tokens,
    audit,
    signIn: new SignInService({ users, sessions, throttle, audit }),
    setup: new FirstOwnerSetup({ prisma, clock, users }),
    async authenticate({ bearer, session }) {
      if (bearer !== undefined) return tokens.authenticate(bearer);
      if (session !== undefined) return sessions.authenticate(session);
      return null;
    },
    async deleteExpired() {
      await sessions.deleteExpired();
      await throttle.deleteExpired();
    },
  };
}
