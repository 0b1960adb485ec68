/** What a tRPC call that should fail failed with, for assertions. */
import { TRPCClientError } from '@trpc/client';

export type TrpcFailure = { code: string | undefined; message: string };

/** The failure's tRPC code and message; throws when the call succeeds or fails otherwise. */
export async function trpcFailure(promise: Promise<unknown>): Promise<TrpcFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCClientError) {
      return { code: (error.data as { code?: string } | undefined)?.code, message: error.message };
    }
    throw error;
  }
  throw new Error('expected the call to fail, and it succeeded');
}

/** The tRPC code a call fails with, or undefined when it succeeds. */
export async function trpcErrorCode(promise: Promise<unknown>): Promise<string | undefined> {
  try {
    await promise;
    return undefined;
  } catch (error) {
    if (error instanceof TRPCClientError) return (error.data as { code?: string }).code;
    throw error;
  }
}
