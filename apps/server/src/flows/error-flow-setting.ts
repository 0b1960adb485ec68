/**
 * A flow's `settings.errorFlowId` must name another flow that exists and is not deleted, checked
 * when a save sets or changes it. A flow whose error flow is deleted later still saves (the
 * setting is unchanged); its failures are then logged and start nothing (runs/error-flow.ts).
 */
import { type FlowDocument, FlowValidationError } from '@patchbay/engine';
import { isUuid } from '../uuid.ts';
import type { TransactionQuery } from '../webhooks/webhook-paths.ts';

const ERROR_FLOW_PATH = ['settings', 'errorFlowId'];

export function errorFlowIdOf(document: unknown): string | undefined {
  const settings = (document as { settings?: { errorFlowId?: unknown } } | null)?.settings;
  return typeof settings?.errorFlowId === 'string' ? settings.errorFlowId : undefined;
}

/**
 * Throws a FlowValidationError naming the flow and `settings.errorFlowId` when the error flow
 * set in `document` is the flow itself, does not exist or is deleted. `previous` is the value of
 * the latest saved version: an unchanged setting is not checked again.
 */
export async function assertErrorFlowUsable(
  query: TransactionQuery,
  flow: { id: string | undefined; name: string },
  document: FlowDocument,
  previous: string | undefined,
): Promise<void> {
  const errorFlowId = errorFlowIdOf(document);
  if (errorFlowId === undefined || errorFlowId === previous) return;
  const fail = (message: string): never => {
    throw new FlowValidationError(flow.name, [
      { code: 'document.invalid', path: ERROR_FLOW_PATH, message },
    ]);
  };
  if (errorFlowId === flow.id) {
    fail(
      `Flow "${flow.name}": settings.errorFlowId names the flow itself; choose another flow to start when a run fails.`,
    );
  }
  const rows = isUuid(errorFlowId)
    ? await query<{ name: string; deleted: boolean }>(
        'SELECT name, deleted_at IS NOT NULL AS deleted FROM flows WHERE id = $1::uuid',
        [errorFlowId],
      )
    : [];
  const target = rows[0];
  if (!target) {
    fail(`Flow "${flow.name}": settings.errorFlowId names no flow (id ${errorFlowId}).`);
  } else if (target.deleted) {
    fail(
      `Flow "${flow.name}": settings.errorFlowId names flow "${target.name}", which is deleted; choose another error flow.`,
    );
  }
}
