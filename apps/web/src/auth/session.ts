/**
 * Who is signed in, for the whole app. The AuthGate provides it once `auth.me` answers; every
 * page below the gate can read it and ask whether the role allows an action.
 */
import { createContext, useContext } from 'react';
import type { RouterOutputs } from '../api/types.ts';
import { type Role, roleAtLeast } from './roles.ts';

export type SessionUser = RouterOutputs['auth']['me'];

export const SessionContext = createContext<SessionUser | null>(null);

export function useSessionUser(): SessionUser {
  const user = useContext(SessionContext);
  if (!user) throw new Error('useSessionUser must be used below <AuthGate>');
  return user;
}

/** Whether the signed-in role may do what `role` may; false outside the gate. */
export function useCan(role: Role): boolean {
  const user = useContext(SessionContext);
  return user !== null && roleAtLeast(user.role, role);
}
