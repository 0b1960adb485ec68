/** tRPC + TanStack Query wiring: one QueryClient, one batched HTTP client, typed hooks. */
import { MutationCache, QueryCache, QueryClient } from '@tanstack/react-query';
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
} from '@trpc/client';
import { createTRPCContext } from '@trpc/tanstack-react-query';
import { errorCode } from './api/api-error.ts';
import type { AppRouter } from './api/app-router.ts';

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<AppRouter>();

/** tRPC's query key of `auth.me`: refetched when any request finds the session gone. */
const SESSION_QUERY_KEY = [['auth', 'me']];

/** The server refuses batches of more calls than this (MAX_BATCH_SIZE). */
const MAX_BATCH_ITEMS = 20;

export function createQueryClient(): QueryClient {
  const onError = (error: unknown, queryKey?: readonly unknown[]) => {
    const isSessionQuery = JSON.stringify(queryKey?.[0]) === JSON.stringify(SESSION_QUERY_KEY[0]);
    if (errorCode(error) === 'UNAUTHORIZED' && !isSessionQuery) {
      void queryClient.invalidateQueries({ queryKey: SESSION_QUERY_KEY });
    }
  };
  const queryClient: QueryClient = new QueryClient({
    queryCache: new QueryCache({ onError: (error, query) => onError(error, query.queryKey) }),
    mutationCache: new MutationCache({ onError: (error) => onError(error) }),
    defaultOptions: {
      queries: {
        staleTime: 5_000,
        refetchOnWindowFocus: false,
        // Retrying cannot fix a missing session or role.
        retry: (failures, error) =>
          failures < 1 && !['UNAUTHORIZED', 'FORBIDDEN'].includes(errorCode(error) ?? ''),
      },
    },
  });
  return queryClient;
}

/** Downloads of whole run values travel alone: a batch's answer is limited in size. */
const UNBATCHED = new Set(['runs.value']);

export function createClient() {
  return createTRPCClient<AppRouter>({
    links: [
      splitLink({
        // Subscriptions (stats.live) are server-sent events, with the session cookie.
        condition: (op) => op.type === 'subscription',
        true: httpSubscriptionLink({ url: '/trpc' }),
        false: splitLink({
          condition: (op) => UNBATCHED.has(op.path),
          true: httpLink({ url: '/trpc' }),
          false: httpBatchLink({ url: '/trpc', maxItems: MAX_BATCH_ITEMS }),
        }),
      }),
    ],
  });
}
