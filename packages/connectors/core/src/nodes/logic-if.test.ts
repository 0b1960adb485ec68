import { runNodeType } from '@patchbay/engine/testing';
import { describe, expect, it } from 'vitest';
import { isTruthy, logicIfNode } from './logic-if.ts';

describe('logic.if', () => {
  it('passes the input unchanged through the port the condition selects', async () => {
    const input = { amount: 150 };
    await expect(
      runNodeType(logicIfNode, { condition: '$.amount > 100' }, { input }),
    ).resolves.toEqual({
      output: input,
      port: 'true',
    });
    await expect(
      runNodeType(logicIfNode, { condition: '$.amount > 200' }, { input }),
    ).resolves.toEqual({
      output: input,
      port: 'false',
    });
  });

  it('treats a missing value as false', async () => {
    const result = await runNodeType(logicIfNode, { condition: '$.nothing' }, { input: {} });
    expect(result.port).toBe('false');
  });

  it('follows JSONata’s $boolean rules for truthiness', () => {
    const truthy = [true, 1, -1, 'x', [0, 1], { a: 1 }];
    const falsy = [false, 0, '', [], [0, ''], {}, null, undefined, Number.NaN];
    expect(truthy.map(isTruthy)).toEqual(truthy.map(() => true));
    expect(falsy.map(isTruthy)).toEqual(falsy.map(() => false));
  });

  it('rejects a condition that is missing or does not compile', () => {
    const messages = (config: unknown) => {
      const parsed = logicIfNode.configSchema.safeParse(config);
      return parsed.success ? [] : parsed.error.issues.map((issue) => issue.message);
    };
    expect(messages({})).toEqual(['Condition is required']);
    expect(messages({ condition: '  ' })).toEqual(['Condition is required']);
    expect(messages({ condition: '$.a =' })[0]).toMatch(
      /^Condition is not a valid JSONata expression: /,
    );
  });
});
