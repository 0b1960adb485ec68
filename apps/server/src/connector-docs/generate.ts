/** `pnpm docs:connectors`: regenerates docs/connectors from the server's connector registry. */
import { fileURLToPath } from 'node:url';
import { createConnectorRegistry } from '../connectors.ts';
import { CONNECTOR_DOCS_DIR, connectorDocs } from './connector-docs.ts';
import { writeDocsFiles } from './docs-files.ts';

const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));
const dir = `${repoRoot}${CONNECTOR_DOCS_DIR}`;
const files = connectorDocs(createConnectorRegistry());
await writeDocsFiles(dir, files);
console.log(`Wrote ${files.length} files to ${CONNECTOR_DOCS_DIR}`);
