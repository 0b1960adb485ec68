/**
 * The one place the server's registry is composed: every connector package it ships, their node
 * types and their credential types. Add a connector here and nowhere else.
 */
import { coreConnector } from '@patchbay/connector-core';
import { httpConnector } from '@patchbay/connector-http';
import { scheduleConnector } from '@patchbay/connector-schedule';
import { webhookConnector } from '@patchbay/connector-webhook';
import {
  BUILT_IN_NODE_TYPES,
  type ConnectorPackage,
  type CredentialTypeRegistry,
  createCredentialTypeRegistry,
  createNodeTypeRegistry,
  type NodeTypeRegistry,
} from '@patchbay/engine';

export const CONNECTORS: readonly ConnectorPackage[] = [
  coreConnector,
  httpConnector,
  webhookConnector,
  scheduleConnector,
];

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
    // BUILT_IN_NODE_TYPES until the node types move into packages/connectors.
    nodeTypes: createNodeTypeRegistry([
      ...BUILT_IN_NODE_TYPES,
      ...connectors.flatMap((connector) => connector.nodeTypes),
    ]),
    credentialTypes: createCredentialTypeRegistry(
      connectors.flatMap((connector) => connector.credentialTypes),
    ),
  };
}
