/**
 * The one place the server's registry is composed: every connector package it ships, their node
 * types and their credential types. Add a connector here and nowhere else. Connectors that talk
 * to the network get the process's transport here (the egress-guarded fetch), never a default.
 */
import { coreConnector } from '@patchbay/connector-core';
import { createHttpConnector } from '@patchbay/connector-http';
import { scheduleConnector } from '@patchbay/connector-schedule';
import { webhookConnector } from '@patchbay/connector-webhook';
import {
  type ConnectorPackage,
  type CredentialTypeRegistry,
  createCredentialTypeRegistry,
  createNodeTypeRegistry,
  type NodeTypeRegistry,
  PatchbayError,
} from '@patchbay/engine';

/** What connectors get from the process. */
export type ConnectorEnvironment = {
  /** The process's egress-guarded fetch (egress/process-egress.ts): every HTTP call goes through it. */
  fetch: typeof globalThis.fetch;
};

export function shippedConnectors(environment: ConnectorEnvironment): ConnectorPackage[] {
  return [
    coreConnector,
    createHttpConnector({ fetch: environment.fetch }),
    webhookConnector,
    scheduleConnector,
  ];
}

/** The transport of a registry that must never call out (docs generation, registry tests). */
const refuseFetch: typeof globalThis.fetch = async (input) => {
  const url = input instanceof Request ? input.url : String(input);
  throw new PatchbayError(
    'EGRESS_DENIED',
    `No call to ${url}: this registry was composed without a network transport; the server composes it with shippedConnectors({ fetch }) and its egress-guarded fetch`,
    { nonRetryable: true },
  );
};

/**
 * Every shipped connector, for what never runs a flow against the network (docs generation,
 * tests of the registry): HTTP calls are refused. Processes that run flows compose
 * `shippedConnectors({ fetch })` with their egress-guarded fetch.
 */
export const CONNECTORS: readonly ConnectorPackage[] = shippedConnectors({ fetch: refuseFetch });

export type ConnectorRegistry = {
  connectors: readonly ConnectorPackage[];
  nodeTypes: NodeTypeRegistry;
  credentialTypes: CredentialTypeRegistry;
};

export function createConnectorRegistry(
  connectors: readonly ConnectorPackage[] = CONNECTORS,
): ConnectorRegistry {
  return {
    connectors,
    nodeTypes: createNodeTypeRegistry(connectors.flatMap((connector) => connector.nodeTypes)),
    credentialTypes: createCredentialTypeRegistry(
      connectors.flatMap((connector) => connector.credentialTypes),
    ),
  };
}
