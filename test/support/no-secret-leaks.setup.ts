/** Fails any test during which an API response carried a credential secret it sent. */
import { afterEach, expect } from 'vitest';
import { takeLeaks } from './secret-leak-check.ts';

afterEach(() => {
  expect(takeLeaks(), 'responses that leaked a credential secret').toEqual([]);
});
