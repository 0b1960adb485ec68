import { describe, expect, it } from 'vitest';
import { warningsToast } from './save-warnings.ts';

describe('warningsToast', () => {
  it('shows the first warning in full and counts the rest', () => {
    expect(
      warningsToast('saved', [
        { message: 'Node "a": Egress to localhost:80 is denied' },
        { message: 'b' },
      ]),
    ).toEqual({
      tone: 'warning',
      title: 'Flow saved with 2 warnings',
      detail: 'Node "a": Egress to localhost:80 is denied (and 1 more)',
    });
    expect(warningsToast('imported', [{ message: 'only' }])).toMatchObject({
      title: 'Flow imported with 1 warning',
      detail: 'only',
    });
  });
});
