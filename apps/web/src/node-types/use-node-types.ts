/**
 * Node type descriptors and the policy and settings schemas from the server, cached for the
 * session (they change only on deploy).
 */
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

/** JSON Schemas of node.policy and flow settings, and the settings a flow has by default. */
export function usePolicySchemas() {
  const trpc = useTRPC();
  return useQuery(
    trpc.nodeTypes.policySchemas.queryOptions(undefined, { staleTime: Number.POSITIVE_INFINITY }),
  );
}
