import { describe, expect, it } from 'vitest';
import { previewText } from './preview-text.ts';

describe('previewText', () => {
  it('shows values as JSON, strings quoted, and cuts large ones short', () => {
    expect(previewText(5)).toEqual({ text: '5', truncated: false });
    expect(previewText('Ada')).toEqual({ text: '"Ada"', truncated: false });
    expect(previewText({ a: [1] }).text).toBe('{\n  "a": [\n    1\n  ]\n}');
    const large = previewText('x'.repeat(50), 10);
    expect(large).toEqual({ text: `"${'x'.repeat(9)}…`, truncated: true });
  });
});
