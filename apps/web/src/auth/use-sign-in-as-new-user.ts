/**
 * After setup or an accepted invitation: sign the new user in with the password just chosen and
 * enter the app. A failure is kept for the page to show.
 */
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useLocation } from 'wouter';
import { requestSignIn } from './sign-in-request.ts';

export function useSignInAsNewUser() {
  const queryClient = useQueryClient();
  const [, navigate] = useLocation();
  const [error, setError] = useState<string | null>(null);
  const signIn = async (email: string, password: string) => {
    try {
      await requestSignIn(email, password);
      navigate('/', { replace: true });
      await queryClient.invalidateQueries();
    } catch (failure) {
      setError(failure instanceof Error ? failure.message : String(failure));
    }
  };
  return { signIn, error };
}
