/**
 * The config of http.request: method, URL, headers, query, body, authentication, pagination,
 * response format, error handling and timeout.
 */

import { isTemplate, templateField, templateRecordField, uiHint } from '@patchbay/engine';
import { z } from 'zod';
import { RESPONSE_FORMATS } from './http-response.ts';
import { paginationSchema } from './pagination.ts';
import { HTTP_AUTH_CREDENTIAL_TYPES } from './request-auth.ts';

export const HTTP_METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'] as const;
export type HttpMethod = (typeof HTTP_METHODS)[number];

export const HTTP_BODY_TYPES = ['none', 'json', 'text'] as const;
export type HttpBodyType = (typeof HTTP_BODY_TYPES)[number];

export const MAX_TIMEOUT_MS = 300_000;

const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const METHODS_WITHOUT_BODY: ReadonlySet<HttpMethod> = new Set(['GET', 'HEAD']);

export const httpRequestConfigSchema = z
  .strictObject({
    method: z
      .enum(HTTP_METHODS, { error: `Method must be one of ${HTTP_METHODS.join(', ')}` })
      .default('GET')
      .describe('The HTTP method.'),
    url: templateField('URL')
      .superRefine((url, ctx) => {
        const problem = checkStaticUrl(url);
        if (problem) ctx.addIssue({ code: 'custom', message: problem, input: url });
      })
      .describe('An absolute http(s) URL; it may hold {{ JSONata }} templates.')
      .meta(
        uiHint({ widget: 'template', placeholder: 'https://api.example.com/orders/{{ $.id }}' }),
      ),
    headers: templateRecordField('Header')
      .superRefine((headers, ctx) => {
        for (const name of Object.keys(headers)) {
          if (!HEADER_NAME.test(name)) {
            ctx.addIssue({
              code: 'custom',
              message: `Header name "${name}" is not a valid HTTP header name`,
              input: name,
              path: [name],
            });
          }
        }
      })
      .default({})
      .describe('Request headers; values may hold templates.'),
    query: templateRecordField('Query parameter')
      .default({})
      .describe('Query parameters added to the URL; values may hold templates.'),
    bodyType: z
      .enum(HTTP_BODY_TYPES, { error: `Body type must be one of ${HTTP_BODY_TYPES.join(', ')}` })
      .default('none')
      .describe(
        'none sends no body; json sends it as application/json and text as text/plain, unless a Content-Type header says otherwise.',
      ),
    body: templateField('Body')
      .default('')
      .describe('The request body; it may hold templates.')
      .meta(
        uiHint({
          widget: 'template',
          multiline: true,
          showIf: { field: 'bodyType', notEquals: 'none' },
        }),
      ),
    auth: z
      .strictObject({
        credentialId: z
          .string({ error: 'Credential id must be a string' })
          .trim()
          .min(1, 'Choose a credential, or remove authentication'),
      })
      .optional()
      .describe(
        `A credential applied to every request (and every page): ${HTTP_AUTH_CREDENTIAL_TYPES.join(', ')}. Prefer it to secrets typed into headers or query, which are stored in the flow.`,
      )
      .meta({
        title: 'Authentication',
        ...uiHint({ widget: 'credential', credentialTypes: HTTP_AUTH_CREDENTIAL_TYPES }),
      }),
    responseFormat: z
      .enum(RESPONSE_FORMATS, {
        error: `Response format must be one of ${RESPONSE_FORMATS.join(', ')}`,
      })
      .default('auto')
      .describe(
        'How the body is output. auto: parsed JSON when the content type is JSON, text for text/*, XML and the like, otherwise binary ({ encoding: "base64", data, contentType, bytes }). json, text and binary force one.',
      )
      .meta(uiHint({ advanced: true })),
    pagination: paginationSchema
      .optional()
      .describe(
        'Follow pages (linkHeader, cursor, offset or page) and output all their items as one body, with `pages` and `truncated`.',
      )
      .meta(uiHint({ advanced: true })),
    failOnHttpError: z
      .boolean({ error: 'failOnHttpError must be true or false' })
      .default(true)
      .describe('Fail the step on a 4xx or 5xx response instead of passing it on as output.')
      .meta(uiHint({ advanced: true })),
    timeoutMs: z
      .number({ error: 'Timeout must be a number of milliseconds' })
      .int('Timeout must be a whole number of milliseconds')
      .min(1, 'Timeout must be at least 1 ms')
      .max(MAX_TIMEOUT_MS, `Timeout must be at most ${MAX_TIMEOUT_MS} ms`)
      .default(30_000)
      .describe('How long one request may take, response body included.')
      .meta(uiHint({ advanced: true, unit: 'ms' })),
  })
  .superRefine((config, ctx) => {
    if (config.bodyType !== 'none' && METHODS_WITHOUT_BODY.has(config.method)) {
      ctx.addIssue({
        code: 'custom',
        message: `A ${config.method} request cannot have a body; set the body type to "none" or use another method`,
        input: config.bodyType,
        path: ['bodyType'],
      });
    }
    if (
      config.pagination &&
      (config.responseFormat === 'text' || config.responseFormat === 'binary')
    ) {
      ctx.addIssue({
        code: 'custom',
        message: `Pagination reads items from JSON pages; set the response format to "auto" or "json", not "${config.responseFormat}"`,
        input: config.responseFormat,
        path: ['responseFormat'],
      });
    }
    if (config.bodyType === 'json') {
      const problem = checkStaticJson(config.body);
      if (problem)
        ctx.addIssue({ code: 'custom', message: problem, input: config.body, path: ['body'] });
    }
  });

export type HttpRequestConfig = z.infer<typeof httpRequestConfigSchema>;

/** Checks a URL that has no template now; a templated URL is checked after rendering. */
function checkStaticUrl(url: string): string | undefined {
  if (url.trim() === '') return 'URL is required';
  if (isTemplate(url)) return undefined;
  return parseHttpUrl(url) ? undefined : 'URL must be a valid http(s) URL';
}

function checkStaticJson(body: string): string | undefined {
  if (body.trim() === '') return 'Body is required when the body type is "json"';
  if (isTemplate(body)) return undefined;
  try {
    JSON.parse(body);
    return undefined;
  } catch (error) {
    return `Body must be valid JSON: ${error instanceof Error ? error.message : String(error)}`;
  }
}

/** The URL when it is absolute http or https, otherwise undefined. */
export function parseHttpUrl(text: string): URL | undefined {
  const url = URL.parse(text.trim());
  return url && (url.protocol === 'http:' || url.protocol === 'https:') ? url : undefined;
}
