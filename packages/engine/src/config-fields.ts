/** Zod builders for config fields that hold JSONata: syntax is checked when a flow is validated. */
import { z } from 'zod';
import { checkExpressionSyntax, describeSyntaxError } from './expression.ts';
import { checkTemplateSyntax } from './template.ts';

function textField(label: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined ? `${label} is required` : `${label} must be text`,
  });
}

/** A required JSONata expression. */
export function expressionField(label: string) {
  return textField(label).superRefine((source, ctx) => {
    if (source.trim() === '') {
      ctx.addIssue({ code: 'custom', message: `${label} is required`, input: source });
      return;
    }
    const error = checkExpressionSyntax(source);
    if (error) {
      ctx.addIssue({
        code: 'custom',
        message: `${label} is not a valid JSONata expression: ${describeSyntaxError(error)}`,
        input: source,
        params: { position: error.position },
      });
    }
  });
}

/** Text that may hold `{{ <jsonata> }}` templates. */
export function templateField(label: string) {
  return textField(label).superRefine((text, ctx) => addTemplateIssue(text, label, ctx));
}

/** A string-to-template record (headers, query parameters); issues point at the entry's key. */
export function templateRecordField(label: string) {
  return z.record(z.string(), textField(`${label} value`)).superRefine((record, ctx) => {
    for (const [key, text] of Object.entries(record)) {
      addTemplateIssue(text, `${label} "${key}"`, ctx, [key]);
    }
  });
}

function addTemplateIssue(
  text: string,
  label: string,
  ctx: z.RefinementCtx,
  path: (string | number)[] = [],
): void {
  const problem = checkTemplateSyntax(text);
  if (problem) {
    ctx.addIssue({
      code: 'custom',
      message: `${label} has an invalid template: ${problem}`,
      input: text,
      path,
    });
  }
}
