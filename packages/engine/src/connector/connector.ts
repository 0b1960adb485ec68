/**
 * A connector package (`packages/connectors/<name>`): node types, credential types, an icon and
 * docs. The server composes its registry from a list of them (apps/server/src/connectors.ts).
 */
import type { NodeTypeDefinition } from '../node-type.ts';
import type { CredentialTypeDefinition } from './credential-type.ts';

export type ConnectorPackage = {
  /** The package's short name, e.g. `http`: `packages/connectors/http`. */
  name: string;
  title: string;
  description: string;
  /** An SVG document (viewBox 0 0 24 24, `currentColor`), shown in the palette and docs. */
  icon: string;
  nodeTypes: readonly NodeTypeDefinition[];
  credentialTypes: readonly CredentialTypeDefinition[];
};

export function defineConnector(connector: ConnectorPackage): ConnectorPackage {
  return connector;
}
