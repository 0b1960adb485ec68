/** How a run was started, as the history and the run page name it. */
import type { RunTrigger } from '../api/types.ts';

export const RUN_TRIGGER_LABELS: Record<RunTrigger, string> = {
  manual: 'Manual',
  api: 'API',
  webhook: 'Webhook',
  schedule: 'Schedule',
  error: 'Error flow',
};

export const RUN_TRIGGER_KINDS = Object.keys(RUN_TRIGGER_LABELS) as RunTrigger[];
