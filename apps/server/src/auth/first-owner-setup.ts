/**
 * The first start: with no user yet, the owner is created from PATCHBAY_ADMIN_EMAIL and
 * PATCHBAY_ADMIN_PASSWORD when both are set; otherwise the start prints a one-time setup link and
 * the web app's setup page creates the owner with it. Once any user exists, setup is closed.
 */
import type { Clock } from '@patchbay/engine';
import { ConfigurationError } from '../configuration-error.ts';
import type { PrismaClient } from '../db/prisma-client.ts';
import { ConflictError, ForbiddenError, InvalidRequestError } from '../domain-errors.ts';
import { hashPassword, passwordProblem } from './password.ts';
import { digestSecret, newSecret } from './secrets.ts';
import type { UserService } from './user-service.ts';

const SETUP_LINK_TTL_MS = 24 * 3_600_000;

export type FirstStart =
  | { kind: 'ready' }
  | { kind: 'owner-created'; email: string }
  /** Nobody can sign in yet: open `/setup?token=<token>` to create the owner. */
  | { kind: 'setup-link'; token: string };

export class FirstOwnerSetup {
  constructor(private readonly deps: { prisma: PrismaClient; clock: Clock; users: UserService }) {}

  async setupRequired(): Promise<boolean> {
    return (await this.deps.users.count()) === 0;
  }

  /** Called at start-up by every process that serves HTTP. */
  async prepare(env: { adminEmail?: string | undefined; adminPassword?: string | undefined }) {
    if (!(await this.setupRequired())) return { kind: 'ready' } satisfies FirstStart;
    const email = env.adminEmail?.trim();
    const password = env.adminPassword;
    if (email || password) {
      if (!email || !password) {
        throw new ConfigurationError(
          'Set both PATCHBAY_ADMIN_EMAIL and PATCHBAY_ADMIN_PASSWORD to create the first owner, or neither to get a setup link.',
        );
      }
      const problem = passwordProblem(password);
      if (problem) throw new ConfigurationError(`PATCHBAY_ADMIN_PASSWORD: ${problem}.`);
      if (!email.includes('@')) {
        throw new ConfigurationError(
          `PATCHBAY_ADMIN_EMAIL must be an email address, got "${email}".`,
        );
      }
      const created = await this.createOwner({ email, password }).catch((error: unknown) => {
        // Another process created the owner at the same moment: that one counts.
        if (error instanceof ConflictError) return undefined;
        throw error;
      });
      return created
        ? ({ kind: 'owner-created', email: created.email } satisfies FirstStart)
        : ({ kind: 'ready' } satisfies FirstStart);
    }
    const token = newSecret();
    const now = this.deps.clock.now();
    await this.deps.prisma.oneTimeToken.create({
      data: {
        tokenHash: digestSecret(token),
        kind: 'setup',
        createdAt: now,
        expiresAt: new Date(now.getTime() + SETUP_LINK_TTL_MS),
      },
    });
    return { kind: 'setup-link', token } satisfies FirstStart;
  }

  /** The setup page: creates the owner with a valid setup link. */
  async complete(
    token: string,
    input: { email: string; password: string; name?: string | undefined },
  ): Promise<{ email: string }> {
    const problem = passwordProblem(input.password);
    if (problem) throw new InvalidRequestError('WEAK_PASSWORD', problem);
    const row = await this.deps.prisma.oneTimeToken.findUnique({
      where: { tokenHash: digestSecret(token) },
    });
    if (row?.kind !== 'setup' || row.usedAt || row.expiresAt <= this.deps.clock.now()) {
      throw new ForbiddenError(
        'SETUP_LINK_INVALID',
        'This setup link is not valid (used or expired). Restart Patchbay to print a new one.',
      );
    }
    return this.createOwner(input);
  }

  private async createOwner(input: { email: string; password: string; name?: string | undefined }) {
    const passwordHash = await hashPassword(input.password);
    const user = await this.deps.users.insert(
      { email: input.email, name: input.name, role: 'owner', passwordHash },
      async (tx) => {
        // Only the first user may be created this way: lock, then check nobody beat us to it.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('patchbay:setup'))`;
        if ((await tx.user.count()) > 1) {
          throw new ConflictError('SETUP_DONE', 'Patchbay is already set up: sign in instead.');
        }
        await tx.oneTimeToken.updateMany({
          where: { kind: 'setup', usedAt: null },
          data: { usedAt: this.deps.clock.now() },
        });
      },
    );
    return { email: user.email };
  }
}
