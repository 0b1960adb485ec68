/**
 * Regenerates the README's screenshots: starts Patchbay on a throwaway database, imports an
 * "Order sync" flow laid out left to right, runs it against a local orders API and captures the
 * editor and the run detail with Debian's Chromium. Run: `pnpm --filter @patchbay/test screenshots`.
 */
import { fileURLToPath } from 'node:url';
import { chainFlow, createApi, importFlow } from '../support/api-client.ts';
import { launchBrowser } from '../support/browser.ts';
import { signInThroughPage } from '../support/browser-session.ts';
import { startServer } from '../support/server-process.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { sendJson, startUpstream } from '../support/upstream-server.ts';

const imagesDir = fileURLToPath(new URL('../../docs/images/', import.meta.url));

const database = await createTestDatabase('patchbay_screens');
const upstream = await startUpstream((_request, response) =>
  sendJson(response, 200, {
    orders: [
      { id: 1, status: 'paid', total: 30 },
      { id: 2, status: 'open', total: 12 },
      { id: 3, status: 'paid', total: 8 },
    ],
  }),
);
const server = await startServer({ DATABASE_URL: database.url, LOG_LEVEL: 'warn' });
const browser = await launchBrowser();
try {
  const api = await createApi(server);
  const document = chainFlow('Order sync', [
    {
      id: 'fetch',
      type: 'http.request',
      label: 'Fetch orders',
      config: { url: `${upstream.url}/orders` },
    },
    {
      id: 'paid',
      type: 'transform.jsonata',
      label: 'Paid orders',
      config: { expression: "$.body.orders[status='paid']" },
    },
    {
      id: 'big',
      type: 'logic.if',
      label: 'Anything to sync?',
      config: { condition: '$count($) > 1' },
    },
  ]);
  const flowId = await importFlow(api, document);
  const { runId } = await api.flows.run.mutate({ id: flowId });

  const page = await browser.newPage({ viewport: { width: 1440, height: 860 } });

  await signInThroughPage(page, server.baseUrl, server.admin);
  await page.goto(`${server.baseUrl}/flows/${flowId}`);
  await page.getByTestId('node-paid').click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${imagesDir}editor.png` });

  await page.goto(`${server.baseUrl}/runs/${runId}`);
  await page.getByTestId('run-status').waitFor();
  for (let i = 0; i < 100; i++) {
    if ((await page.getByTestId('run-status').getAttribute('data-status')) === 'succeeded') break;
    await page.waitForTimeout(100);
  }
  await page.getByTestId('step-paid').click();
  await page.waitForTimeout(500);
  await page.screenshot({ path: `${imagesDir}run-detail.png` });
  console.log(`screenshots written to ${imagesDir}`);
} finally {
  await browser.close();
  await server.stop();
  await upstream.close();
  await database.drop();
}
