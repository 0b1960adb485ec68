/** Fails any test during which a response carried a known credential secret (known-secrets.ts). */
import { afterEach, expect } from 'vitest';
import { takeLeaks } from './known-secrets.ts';

afterEach(() => {
  expect(takeLeaks(), 'responses that leaked a credential secret').toEqual([]);
});
