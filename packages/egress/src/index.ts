/**
 * Public API of @patchbay/egress: the one egress guard (SSRF policy) every outgoing connection
 * goes through. Connectors call `guard.resolve(host, port)` and connect to the address it
 * returns; HTTP goes through `createGuardedFetch(guard)`.
 */
export {
  type AllowEntry,
  EgressConfigError,
  parseAllowEntry,
  parseAllowList,
} from './allow-list.ts';
export { type Cidr, cidrContains, parseCidr } from './cidr.ts';
export { EGRESS_RULES, type EgressRule } from './deny-rules.ts';
export {
  describeDenial,
  EGRESS_DENIED,
  EgressDeniedError,
  egressDenialIn,
} from './egress-denied-error.ts';
export {
  createEgressGuardFromEnv,
  type EgressSettings,
  egressSettingsFromEnv,
} from './egress-env.ts';
export {
  EgressGuard,
  type EgressGuardOptions,
  type EgressTarget,
  type OwnEndpointConfig,
  type Resolver,
} from './egress-guard.ts';
export type { EgressDenial } from './egress-policy.ts';
export {
  createEgressAgent,
  createGuardedFetch,
  type EgressAgentOptions,
  type GuardedFetch,
} from './guarded-fetch.ts';
export { formatHostPort, type IpAddress, isIpLiteral, parseIpAddress } from './ip-address.ts';
