/**
 * Save warnings: destinations a flow names literally that the egress policy will refuse when it
 * runs. Checked without DNS (IP literals, refused names, Patchbay's own ports); templated or
 * resolvable destinations are checked only when the call is made.
 */
import { describeDenial, type EgressDenial } from '@patchbay/egress';
import { egressTargetsOf, type ValidatedFlow } from '@patchbay/engine';

export type SaveWarning = { nodeId: string; path: (string | number)[]; message: string };

/** The part of the egress guard a save needs. */
export type EgressCheck = { check(host: string, port: number): EgressDenial | undefined };

export function egressWarnings(flow: ValidatedFlow, egress: EgressCheck): SaveWarning[] {
  return egressTargetsOf(flow).flatMap(({ nodeId, nodeName, path, host, port }) => {
    const denial = egress.check(host, port);
    if (!denial) return [];
    const message = `${nodeName}: ${describeDenial(denial)} Its runs will fail with EGRESS_DENIED.`;
    return [{ nodeId, path, message }];
  });
}
