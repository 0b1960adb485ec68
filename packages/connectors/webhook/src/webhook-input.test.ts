import { describe, expect, it } from 'vitest';
import { headersOf, parseWebhookBody, WebhookBodyError } from './webhook-input.ts';

describe('webhook run input', () => {
  it('parses JSON (also +json types), forms and text by content type', () => {
    expect(parseWebhookBody(Buffer.from('{"a":[1]}'), 'application/json; charset=utf-8')).toEqual({
      a: [1],
    });
    expect(parseWebhookBody(Buffer.from('{"a":1}'), 'application/vnd.github+json')).toEqual({
      a: 1,
    });
    expect(
      parseWebhookBody(Buffer.from('a=1&b=x&b=y&__proto__=p'), 'application/x-www-form-urlencoded'),
    ).toEqual(JSON.parse('{"a":"1","b":["x","y"],"__proto__":"p"}'));
    expect(parseWebhookBody(Buffer.from('plain words'), 'text/plain')).toBe('plain words');
    expect(parseWebhookBody(Buffer.from('{"not":"declared"}'), undefined)).toBe(
      '{"not":"declared"}',
    );
    expect(parseWebhookBody(Buffer.alloc(0), 'application/json')).toBeNull();
  });

  it('says why a JSON body does not parse', () => {
    expect(() => parseWebhookBody(Buffer.from('{"a":'), 'application/json')).toThrow(
      WebhookBodyError,
    );
    expect(() => parseWebhookBody(Buffer.from('{"a":'), 'application/json')).toThrow(
      /not valid JSON \(Content-Type application\/json\)/,
    );
  });

  it('lower-cases header names and joins repeated values', () => {
    expect(headersOf({ 'X-A': '1', 'x-b': ['2', '3'], 'x-c': undefined })).toEqual({
      'x-a': '1',
      'x-b': '2, 3',
    });
  });
});
