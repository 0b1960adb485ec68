/** Roles, weakest first, as the server defines them; each can do all the previous one can. */
import type { RouterOutputs } from '../api/types.ts';

export type Role = RouterOutputs['auth']['me']['role'];

export const ROLES: readonly Role[] = ['viewer', 'editor', 'admin', 'owner'];

export const ROLE_DESCRIPTIONS: Record<Role, string> = {
  viewer: 'Reads flows, runs and upstreams',
  editor: 'Also edits, runs, retries and cancels',
  admin: 'Also manages users and breakers',
  owner: 'Everything, including granting the owner role',
};

export function roleAtLeast(role: Role, required: Role): boolean {
  return ROLES.indexOf(role) >= ROLES.indexOf(required);
}
