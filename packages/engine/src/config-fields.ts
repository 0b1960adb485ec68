/** Zod builders for config fields that hold JSONata: syntax is checked when a flow is validated. */
import { z } from 'zod';
import { uiHint } from './connector/ui-hints.ts';
import { checkExpressionSyntax, describeSyntaxError } from './expression.ts';
import { checkTemplateSyntax } from './template.ts';

function textField(label: string) {
  return z.string({
    error: (issue) =>
      issue.input === undefined ? `${label} is required` : `${label} must be text`,
  });
}

/** A required JSONata expression, edited with the `jsonata` widget. */
export function expressionField(label: string) {
  return textField(label)
    .superRefine((source, ctx) => {
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
    })
    .meta(uiHint({ widget: 'jsonata' }));
}

/** Text that may hold `{{ <jsonata> }}` templates, edited with the `template` widget. */
export function templateField(label: string) {
  return textField(label)
    .superRefine((text, ctx) => addTemplateIssue(text, label, ctx))
    .meta(uiHint({ widget: 'template' }));
}

/** A string-to-template record (headers, query parameters); issues point at the entry's key. */
export function templateRecordField(label: string) {
  const value = textField(`${label} value`).meta(uiHint({ widget: 'template' }));
  return z.record(z.string(), value).superRefine((record, ctx) => {
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
