/** The kit run on the engine's fixture node types, packaged as a connector. */

import { z } from 'zod';
import { defineConnector } from '../connector/connector.ts';
import { defineCredentialType } from '../connector/credential-type.ts';
import { secretField } from '../connector/ui-hints.ts';
import {
  fixtureCallNode,
  fixtureTransformNode,
  fixtureTriggerNode,
} from '../test-support/fixture-node-types.ts';
import { describeConnector } from './describe-connector.ts';

const ICON =
  '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24"><circle cx="12" cy="12" r="4"/></svg>';

const withDocs = <T extends { title: string }>(definition: T): T => ({
  ...definition,
  docs: `${definition.title}: a fixture of the engine's tests.`,
});

describeConnector(
  defineConnector({
    name: 'fixtures',
    title: 'Fixtures',
    description: 'The engine’s own test node types.',
    icon: ICON,
    nodeTypes: [fixtureTriggerNode, fixtureTransformNode, fixtureCallNode].map(withDocs),
    credentialTypes: [
      defineCredentialType({
        type: 'fixtureToken',
        title: 'Fixture token',
        description: 'A token and the URL it is exchanged at (not a secret, despite its name).',
        schema: z.strictObject({ tokenUrl: z.string(), apiToken: z.string().meta(secretField()) }),
        docs: 'Any values do.',
      }),
    ],
  }),
  {
    cannotFail: { 'test.trigger': 'it outputs the run input' },
    failingExamples: {
      'test.transform': [
        {
          name: 'an expression that raises an error',
          config: { expression: '$error("nope")' },
          code: 'EXPRESSION_FAILED',
          retried: false,
        },
      ],
      'test.call': [
        {
          name: 'an upstream that answers with a conflict',
          config: { url: 'https://api.test/' },
          run: { input: { fail: 'CONFLICT' } },
          code: 'CONFLICT',
          retried: false,
        },
      ],
    },
  },
);
