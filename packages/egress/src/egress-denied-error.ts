/** The error of a refused connection: never retried, and the same whether the port is open or not. */
import { PatchbayError } from '@patchbay/engine';
import type { EgressDenial } from './egress-policy.ts';
import { formatHostPort } from './ip-address.ts';

export const EGRESS_DENIED = 'EGRESS_DENIED';

export class EgressDeniedError extends PatchbayError {
  readonly denial: EgressDenial;

  constructor(denial: EgressDenial) {
    super(EGRESS_DENIED, describeDenial(denial), {
      retryable: false,
      details: {
        host: denial.host,
        port: denial.port,
        ...(denial.address === undefined ? {} : { address: denial.address }),
        rule: denial.rule,
      },
    });
    this.denial = denial;
  }
}

/**
 * "Egress to 127.0.0.1:54329 (from "localhost") is denied: loopback address. Allow it with
 * PATCHBAY_EGRESS_ALLOW." Built from the policy alone, so it says nothing about the port's state.
 */
export function describeDenial(denial: EgressDenial): string {
  const { host, port, address, rule, remedy } = denial;
  if (address === undefined) {
    return `Egress to ${formatHostPort(host, port)} is denied: ${rule}. ${remedy}`;
  }
  const from = isCanonical(host, address) ? '' : ` (from "${host}")`;
  return `Egress to ${formatHostPort(address, port)}${from} is denied: ${rule}. ${remedy}`;
}

/** Whether the caller wrote the address as it is reported ("[::1]" counts as "::1"). */
function isCanonical(host: string, address: string): boolean {
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return bare.toLowerCase() === address;
}

/** The EgressDeniedError behind `error`: itself, or one in its chain of causes. */
export function egressDenialIn(error: unknown): EgressDeniedError | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 5 && current instanceof Error; depth++) {
    if (current instanceof EgressDeniedError) return current;
    current = current.cause;
  }
  return undefined;
}
