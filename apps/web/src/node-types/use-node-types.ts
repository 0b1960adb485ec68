/** Node type descriptors from the server, cached for the session (they change only on deploy). */
import { useQuery } from '@tanstack/react-query';
import type { NodeTypeDescriptor } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';

export type NodeTypeCatalog = {
  list: readonly NodeTypeDescriptor[];
  byType: ReadonlyMap<string, NodeTypeDescriptor>;
};

function toCatalog(list: NodeTypeDescriptor[]): NodeTypeCatalog {
  return { list, byType: new Map(list.map((d) => [d.type, d])) };
}

export function useNodeTypes() {
  const trpc = useTRPC();
  return useQuery(
    trpc.nodeTypes.list.queryOptions(undefined, {
      staleTime: Number.POSITIVE_INFINITY,
      select: toCatalog,
    }),
  );
}

/** One descriptor, or undefined while loading or for an unknown type. */
export function useNodeType(type: string): NodeTypeDescriptor | undefined {
  return useNodeTypes().data?.byType.get(type);
}
