/**
 * Error flows in the browser: pick the error flow in Flow settings (other flows only), save, and
 * a failing run of the flow starts it, shown in the error flow's history as "Error flow" and found
 * by the history's trigger filter.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { chainFlow, importFlow } from '../support/api-client.ts';
import { useBrowserApp } from '../support/browser-app.ts';

let flowId: string;
let alertsId: string;

const app = useBrowserApp({ viewport: { width: 1440, height: 1000 } });

beforeAll(async () => {
  alertsId = await importFlow(
    app.api,
    chainFlow('Alerts', [
      { id: 'code', type: 'transform.jsonata', config: { expression: 'failedRun.error.code' } },
    ]),
  );
  flowId = await importFlow(
    app.api,
    chainFlow('Nightly import', [
      { id: 'boom', type: 'transform.jsonata', config: { expression: '$error("broken")' } },
    ]),
  );
});

describe('the error flow setting', () => {
  it('offers the other flows, saves the choice, and a failed run starts that flow', async () => {
    await app.page.goto(`${app.server.baseUrl}/flows/${flowId}`);
    await app.page.getByTestId('flow-settings-open').click();
    const picker = app.page.getByTestId('flow-settings-field-errorFlowId');
    await picker.locator(`option[value="${alertsId}"]`).waitFor({ state: 'attached' });
    const offered = await picker.locator('option').allTextContents();
    expect(offered).toEqual(['None', 'Alerts']);
    await picker.selectOption(alertsId);
    await app.page.getByTestId('flow-settings-save').click();
    await app.page.getByTestId('flow-settings-dialog').waitFor({ state: 'hidden' });
    await app.page.getByTestId('save-flow').click();
    await app.page.getByText('Flow saved').waitFor();
    expect((await app.api.flows.export.query({ id: flowId })).settings).toEqual({
      errorFlowId: alertsId,
    });

    const started = await app.api.flows.run.mutate({ id: flowId });
    await expect
      .poll(async () => (await app.api.runs.list.query({ flowId: alertsId })).items.length, {
        timeout: 20_000,
      })
      .toBe(1);
    const [errorRun] = (await app.api.runs.list.query({ flowId: alertsId })).items;
    expect(errorRun?.trigger).toBe('error');
    const detail = await app.api.runs.get.query({ id: errorRun!.id });
    expect(detail.input).toMatchObject({
      failedRun: { id: started.runId, flowId, flowName: 'Nightly import', failedNodeId: 'boom' },
    });

    await app.page.goto(`${app.server.baseUrl}/flows/${alertsId}/runs`);
    await app.page.getByTestId('run-trigger-filter').selectOption('error');
    const row = app.page.getByTestId(`run-row-${errorRun!.id}`);
    await row.waitFor();
    expect(await row.getByTestId('run-row-trigger').textContent()).toBe('Error flow');
  });
});
