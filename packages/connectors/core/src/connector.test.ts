import { describeConnector } from '@patchbay/engine/connector-kit';
import { coreConnector } from './index.ts';

describeConnector(coreConnector, {
  cannotFail: { 'trigger.manual': 'it outputs the input the run was started with' },
  failingExamples: {
    'transform.jsonata': [
      {
        name: 'an expression that raises an error',
        config: { expression: '$error("no such order")' },
        code: 'EXPRESSION_FAILED',
        retried: false,
      },
    ],
    'logic.if': [
      {
        name: 'a condition that raises an error',
        config: { condition: '$error("cannot decide")' },
        code: 'EXPRESSION_FAILED',
        retried: false,
      },
    ],
  },
  configExamples: {
    'trigger.manual': [{ sampleInput: { orderId: 7 } }],
    'transform.jsonata': [{ expression: '$.orders[status = "paid"]' }],
  },
});
