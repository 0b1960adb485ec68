/** Core nodes: the manual trigger, JSONata transform and if; the hmacSecret credential type. */
import { defineConnector } from '@patchbay/engine';
import { CREDENTIAL_TYPES } from './credentials/index.ts';
import { logicIfNode } from './nodes/logic-if.ts';
import { transformJsonataNode } from './nodes/transform-jsonata.ts';
import { manualTriggerNode } from './nodes/trigger-manual.ts';

export { type HmacSecretData, hmacSecretSchema } from './credentials/index.ts';
export { isTruthy, type LogicIfConfig, logicIfNode } from './nodes/logic-if.ts';
export { type TransformJsonataConfig, transformJsonataNode } from './nodes/transform-jsonata.ts';
export { type ManualTriggerConfig, manualTriggerNode } from './nodes/trigger-manual.ts';

export const CORE_ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2"><circle cx="12" cy="12" r="3"/><path d="M12 2v4M12 18v4M2 12h4M18 12h4"/></svg>';

export const coreConnector = defineConnector({
  name: 'core',
  title: 'Core',
  description: 'Start flows by hand, transform data with JSONata, and branch.',
  icon: CORE_ICON,
  nodeTypes: [manualTriggerNode, transformJsonataNode, logicIfNode],
  credentialTypes: CREDENTIAL_TYPES,
});
