/** Each validated node's effective policy, resolved once per validated flow and shared by its runs. */
import { deepFreeze } from '../deep-freeze.ts';
import type { ValidatedNode } from '../validated-flow.ts';
import { type ResolvedNodePolicy, resolveNodePolicy } from './policy.ts';

const resolved = new WeakMap<ValidatedNode, ResolvedNodePolicy>();

/** The node's document policy over its type's defaults over Patchbay's; frozen and memoised. */
export function nodePolicyOf(entry: ValidatedNode): ResolvedNodePolicy {
  let policy = resolved.get(entry);
  if (policy === undefined) {
    policy = deepFreeze(
      resolveNodePolicy(
        entry.node.policy,
        entry.definition.policyDefaults,
        entry.definition.retryOptions,
      ),
    );
    resolved.set(entry, policy);
  }
  return policy;
}
