/**
 * Per-run audit entries for bulk run actions. The audit middleware records the bulk call itself
 * (who, when, allowed or denied); this records what happened to each run, shaped like the entry a
 * single-run action leaves (action `runs.retry` / `runs.cancel`, target the run), so the history of
 * one run reads the same whichever way it was retried or cancelled.
 */
import type { AuditLog } from '../auth/audit-log.ts';
import type { Principal, RequestOrigin } from '../auth/principal.ts';
import type { BulkRunResult } from '../runs/run-bulk-actions.ts';

export function auditEachRun(
  ctx: { auth: { audit: Pick<AuditLog, 'record'> }; principal: Principal; origin: RequestOrigin },
  action: 'runs.retry' | 'runs.cancel',
  via: string,
  results: readonly BulkRunResult<object>[],
  details: Record<string, unknown> = {},
): void {
  for (const result of results) {
    ctx.auth.audit.record({
      actor: ctx.principal,
      action,
      target: { type: 'runs', id: result.id },
      outcome: result.ok ? 'ok' : 'failed',
      errorCode: result.ok ? undefined : result.code,
      origin: ctx.origin,
      details: {
        ...details,
        via,
        ...(result.ok && 'runId' in result && typeof result.runId === 'string'
          ? { runId: result.runId }
          : {}),
      },
    });
  }
}
