/** The JSON Schema of what a zod schema accepts (its input side), for generated forms and docs. */
import { z } from 'zod';
import { deepFreeze } from './deep-freeze.ts';

export function inputJsonSchema(schema: z.ZodType): Record<string, unknown> {
  return deepFreeze(
    z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>,
  );
}
