/**
 * The node whose config an expression field edits, provided by the inspector's config form:
 * with it, fields autocomplete from and preview against that node's upstream data.
 */
import { createContext, useContext } from 'react';

export type ExpressionScopeContextValue = { nodeId: string };

export const ExpressionScopeContext = createContext<ExpressionScopeContextValue | null>(null);

export function useExpressionScope(): ExpressionScopeContextValue | null {
  return useContext(ExpressionScopeContext);
}
