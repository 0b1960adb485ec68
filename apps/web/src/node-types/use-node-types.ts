/**
 * Node type descriptors and the policy and settings schemas from the server, cached for the
 * session (they change only on deploy).
 */
import { useQuery } from '@tanstack/react-query';
import { useMemo } from 'react';
import type { NodeTypeDescriptor } from '../api/types.ts';
import { useTRPC } from '../trpc.ts';

export type NodeTypeCatalog = {
  list: readonly NodeTypeDescriptor[];
  byType: ReadonlyMap<string, NodeTypeDescriptor>;
};

// Every canvas node asks for its descriptor through its own query observer, and each observer
// runs `select`: build the catalog once per response, not once per node.
const catalogs = new WeakMap<NodeTypeDescriptor[], NodeTypeCatalog>();

function toCatalog(list: NodeTypeDescriptor[]): NodeTypeCatalog {
  let catalog = catalogs.get(list);
  if (!catalog) {
    catalog = { list, byType: new Map(list.map((d) => [d.type, d])) };
    catalogs.set(list, catalog);
  }
  return catalog;
}

export function useNodeTypes() {
  const trpc = useTRPC();
  // Built once per client, not on every render of every canvas node (tRPC derives the key anew).
  const options = useMemo(
    () =>
      trpc.nodeTypes.list.queryOptions(undefined, {
        staleTime: Number.POSITIVE_INFINITY,
        select: toCatalog,
      }),
    [trpc],
  );
  return useQuery(options);
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
