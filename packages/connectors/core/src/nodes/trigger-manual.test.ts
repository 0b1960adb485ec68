import { runNodeType } from '@patchbay/engine/testing';
import { describe, expect, it } from 'vitest';
import { manualTriggerNode } from './trigger-manual.ts';

describe('trigger.manual', () => {
  it('outputs the input the run was started with', async () => {
    await expect(runNodeType(manualTriggerNode, {}, { input: { orderId: 7 } })).resolves.toEqual({
      output: { orderId: 7 },
    });
  });

  it('accepts an optional sample input object and rejects anything else', () => {
    const schema = manualTriggerNode.configSchema;
    expect(schema.safeParse({ sampleInput: { a: 1 } }).success).toBe(true);
    const parsed = schema.safeParse({ sampleInput: [1] });
    expect(parsed.success ? [] : parsed.error.issues.map((issue) => issue.message)).toEqual([
      'Sample input must be a JSON object',
    ]);
  });
});
