/**
 * Users and what admins do with them: create (with a password) or invite (with a one-time link),
 * change roles, deactivate and reactivate; and what everyone does: change their own password.
 * Rules: only an owner grants, changes or removes the owner role; nobody deactivates themselves;
 * Patchbay always keeps at least one active owner.
 */
import type { Clock } from '@patchbay/engine';
import type { PrismaClient } from '../db/prisma-client.ts';
import {
  ConflictError,
  ForbiddenError,
  InvalidRequestError,
  NotFoundError,
  UnauthenticatedError,
} from '../domain-errors.ts';
import { Prisma } from '../generated/prisma/client.ts';
import { isUuid } from '../uuid.ts';
import type { ApiTokenService } from './api-token-service.ts';
import { normalizeEmail } from './email.ts';
import { hashPassword, passwordProblem, verifyPassword } from './password.ts';
import type { Principal } from './principal.ts';
import { isRole, type Role, roleAtLeast } from './roles.ts';
import { digestSecret, newSecret } from './secrets.ts';
import type { SessionService } from './session-service.ts';

const INVITE_TTL_MS = 7 * 86_400_000;

export type UserView = {
  id: string;
  email: string;
  name: string | null;
  role: Role;
  active: boolean;
  /** Invited and has not chosen a password yet. */
  pending: boolean;
  /** ISO 8601. */
  createdAt: string;
  lastSignInAt: string | null;
};

export type CreateUserInput = {
  email: string;
  name?: string | undefined;
  role: Role;
  password: string;
};
export type InviteUserInput = { email: string; name?: string | undefined; role: Role };
export type UpdateUserInput = {
  id: string;
  name?: string | null | undefined;
  role?: Role | undefined;
  active?: boolean | undefined;
};

type UserRow = {
  id: string;
  email: string;
  name: string | null;
  role: string;
  passwordHash: string | null;
  deactivatedAt: Date | null;
  createdAt: Date;
  lastSignInAt: Date | null;
};

export class UserService {
  constructor(
    private readonly deps: {
      prisma: PrismaClient;
      clock: Clock;
      sessions: SessionService;
      tokens: ApiTokenService;
    },
  ) {}

  count(): Promise<number> {
    return this.deps.prisma.user.count();
  }

  async list(): Promise<UserView[]> {
    const rows = await this.deps.prisma.user.findMany({ orderBy: [{ email: 'asc' }] });
    return rows.map(toUserView);
  }

  /** The user a sign-in names, with the fields sign-in needs; undefined when there is none. */
  async findForSignIn(email: string): Promise<UserRow | undefined> {
    const row = await this.deps.prisma.user.findUnique({ where: { email: normalizeEmail(email) } });
    return row ?? undefined;
  }

  async markSignedIn(userId: string): Promise<void> {
    await this.deps.prisma.user.update({
      where: { id: userId },
      data: { lastSignInAt: this.deps.clock.now() },
    });
  }

  async create(actor: Principal, input: CreateUserInput): Promise<UserView> {
    this.checkMayGrant(actor, input.role);
    const passwordHash = await hashNewPassword(input.password);
    return toUserView(await this.insert({ ...input, passwordHash }));
  }

  /** Creates the user without a password, and a one-time link (7 days) to choose one. */
  async invite(
    actor: Principal,
    input: InviteUserInput,
  ): Promise<{ user: UserView; token: string }> {
    this.checkMayGrant(actor, input.role);
    const token = newSecret();
    const now = this.deps.clock.now();
    const user = await this.insert({ ...input, passwordHash: null }, async (tx, userId) => {
      await tx.oneTimeToken.create({
        data: {
          tokenHash: digestSecret(token),
          kind: 'invite',
          userId,
          createdAt: now,
          expiresAt: new Date(now.getTime() + INVITE_TTL_MS),
        },
      });
    });
    return { user: toUserView(user), token };
  }

  /** Creates a user (the first owner at setup, or any other); a taken email is a CONFLICT. */
  async insert(
    input: { email: string; name?: string | undefined; role: Role; passwordHash: string | null },
    alsoInTransaction?: (tx: Prisma.TransactionClient, userId: string) => Promise<void>,
  ): Promise<UserRow> {
    const email = normalizeEmail(input.email);
    try {
      return await this.deps.prisma.$transaction(async (tx) => {
        const user = await tx.user.create({
          data: {
            email,
            name: input.name?.trim() || null,
            role: input.role,
            passwordHash: input.passwordHash,
            passwordChangedAt: input.passwordHash ? this.deps.clock.now() : null,
          },
        });
        await alsoInTransaction?.(tx, user.id);
        return user;
      });
    } catch (error) {
      if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
        throw new ConflictError('EMAIL_TAKEN', `There is already a user with the email ${email}.`);
      }
      throw error;
    }
  }

  async update(actor: Principal, input: UpdateUserInput): Promise<UserView> {
    const target = await this.find(input.id);
    const targetRole = toRole(target.role);
    const changesAccess = input.role !== undefined || input.active !== undefined;
    if (
      changesAccess &&
      (targetRole === 'owner' || input.role === 'owner') &&
      actor.role !== 'owner'
    ) {
      throw new ForbiddenError(
        'OWNER_ONLY',
        'Only an owner can grant the owner role, or change or deactivate an owner.',
      );
    }
    if (input.active === false && target.id === actor.userId) {
      throw new ForbiddenError('SELF_DEACTIVATION', 'You cannot deactivate yourself.');
    }
    const losesOwner =
      targetRole === 'owner' &&
      target.deactivatedAt === null &&
      ((input.role !== undefined && input.role !== 'owner') || input.active === false);

    const row = await this.deps.prisma.$transaction(async (tx) => {
      if (losesOwner) {
        // Serialise owner changes, so that two admins cannot demote the last two owners at once.
        await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('patchbay:owners'))`;
        const owners = await tx.user.count({ where: { role: 'owner', deactivatedAt: null } });
        if (owners <= 1) {
          throw new ConflictError(
            'LAST_OWNER',
            'Patchbay needs at least one active owner: make someone else an owner first.',
          );
        }
      }
      return tx.user.update({
        where: { id: target.id },
        data: {
          ...(input.name === undefined ? {} : { name: input.name?.trim() || null }),
          ...(input.role === undefined ? {} : { role: input.role }),
          ...(input.active === undefined
            ? {}
            : {
                deactivatedAt: input.active
                  ? null
                  : (target.deactivatedAt ?? this.deps.clock.now()),
              }),
        },
      });
    });
    if (input.active === false) await this.deps.sessions.revokeAllOf(target.id);
    this.deps.sessions.forgetUser(target.id);
    this.deps.tokens.forgetUser(target.id);
    return toUserView(row);
  }

  /** Changes the signed-in user's own password and ends their other sessions. */
  async changeOwnPassword(actor: Principal, currentPassword: string, newPassword: string) {
    if (actor.kind !== 'session') {
      throw new ForbiddenError(
        'PASSWORD_CHANGE_NEEDS_SESSION',
        'Change your password while signed in, not with an API token.',
      );
    }
    const user = await this.find(actor.userId);
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new UnauthenticatedError('The current password is not right.');
    }
    await this.deps.prisma.user.update({
      where: { id: user.id },
      data: {
        passwordHash: await hashNewPassword(newPassword),
        passwordChangedAt: this.deps.clock.now(),
      },
    });
    await this.deps.sessions.revokeAllOf(user.id, actor.sessionId);
  }

  /** Who an invitation is for, when its link is valid. */
  async invitation(token: string): Promise<{ email: string; name: string | null; role: Role }> {
    const invite = await this.validInvite(token);
    return { email: invite.user.email, name: invite.user.name, role: toRole(invite.user.role) };
  }

  /** Sets the invited user's password (and name) and uses up the link. */
  async acceptInvite(
    token: string,
    input: { password: string; name?: string | undefined },
  ): Promise<{ email: string }> {
    const passwordHash = await hashNewPassword(input.password);
    const invite = await this.validInvite(token);
    const now = this.deps.clock.now();
    await this.deps.prisma.$transaction(async (tx) => {
      const used = await tx.oneTimeToken.updateMany({
        where: { tokenHash: invite.tokenHash, usedAt: null },
        data: { usedAt: now },
      });
      if (used.count !== 1) throw invalidInvite();
      await tx.user.update({
        where: { id: invite.user.id },
        data: {
          passwordHash,
          passwordChangedAt: now,
          ...(input.name?.trim() ? { name: input.name.trim() } : {}),
        },
      });
    });
    return { email: invite.user.email };
  }

  private async validInvite(token: string) {
    const row = await this.deps.prisma.oneTimeToken.findUnique({
      where: { tokenHash: digestSecret(token) },
      include: { user: true },
    });
    if (
      row?.kind !== 'invite' ||
      !row.user ||
      row.usedAt !== null ||
      row.expiresAt <= this.deps.clock.now() ||
      row.user.deactivatedAt !== null
    ) {
      throw invalidInvite();
    }
    return { tokenHash: row.tokenHash, user: row.user };
  }

  private checkMayGrant(actor: Principal, role: Role): void {
    if (role === 'owner' && actor.role !== 'owner') {
      throw new ForbiddenError('OWNER_ONLY', 'Only an owner can grant the owner role.');
    }
    if (!roleAtLeast(actor.role, 'admin')) {
      throw new ForbiddenError('ADMIN_ONLY', 'Only admins and owners manage users.');
    }
  }

  private async find(id: string): Promise<UserRow> {
    const row = isUuid(id) ? await this.deps.prisma.user.findUnique({ where: { id } }) : null;
    if (!row) throw new NotFoundError('User', id);
    return row;
  }
}

async function hashNewPassword(password: string): Promise<string> {
  const problem = passwordProblem(password);
  if (problem) throw new InvalidRequestError('WEAK_PASSWORD', problem);
  return hashPassword(password);
}

function invalidInvite(): ForbiddenError {
  return new ForbiddenError(
    'INVITE_INVALID',
    'This invitation link is not valid any more (used, expired or withdrawn). Ask an admin for a new one.',
  );
}

function toRole(role: string): Role {
  return isRole(role) ? role : 'viewer';
}

export function toUserView(row: UserRow): UserView {
  return {
    id: row.id,
    email: row.email,
    name: row.name,
    role: toRole(row.role),
    active: row.deactivatedAt === null,
    pending: row.passwordHash === null,
    createdAt: row.createdAt.toISOString(),
    lastSignInAt: row.lastSignInAt?.toISOString() ?? null,
  };
}
