/** The two versions being compared, fetched once each (versions never change), and their diff. */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useTRPC } from '../../trpc.ts';
import { diffFlowDocuments } from './flow-version-diff.ts';

/** Which versions are compared: `from` the older (or picked) one, `to` the one it is compared with. */
export type VersionComparison = { from: number; to: number };

export function useVersionCompare(flowId: string, comparison: VersionComparison | null) {
  const trpc = useTRPC();
  const enabled = comparison !== null;
  const options = { enabled, staleTime: Number.POSITIVE_INFINITY } as const;
  const from = useQuery(
    trpc.flows.version.queryOptions({ id: flowId, number: comparison?.from ?? 1 }, options),
  );
  const to = useQuery(
    trpc.flows.version.queryOptions({ id: flowId, number: comparison?.to ?? 1 }, options),
  );
  const fromDocument = enabled ? from.data?.document : undefined;
  const toDocument = enabled ? to.data?.document : undefined;
  const diff = useMemo(
    () => (fromDocument && toDocument ? diffFlowDocuments(fromDocument, toDocument) : null),
    [fromDocument, toDocument],
  );
  return {
    diff,
    after: toDocument ?? null,
    error: from.error ?? to.error,
    loading: enabled && (from.isPending || to.isPending),
  };
}
