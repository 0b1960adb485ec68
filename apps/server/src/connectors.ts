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

export type ConnectorRegistry = {
  connectors: readonly ConnectorPackage[];
  nodeTypes: NodeTypeRegistry;
  credentialTypes: CredentialTypeRegistry;
};

export function createConnectorRegistry(
  environment: ConnectorEnvironment,
  connectors: readonly ConnectorPackage[] = shippedConnectors(environment),
): ConnectorRegistry {
  return {
    connectors,
    nodeTypes: createNodeTypeRegistry(connectors.flatMap((connector) => connector.nodeTypes)),
    credentialTypes: createCredentialTypeRegistry(
      connectors.flatMap((connector) => connector.credentialTypes),
    ),
  };
}
