/**
 * The stats overlay's figures per node id, for the editor's nodes (FlowNode). Undefined while
 * the overlay is off. Server data: fetched by useNodeStats through TanStack Query, handed down
 * here rather than copied into the editor store.
 */
import { createContext } from 'react';
import type { NodeFigures } from './node-stats-badge.ts';

export const NodeStatsContext = createContext<ReadonlyMap<string, NodeFigures> | undefined>(
  undefined,
);
