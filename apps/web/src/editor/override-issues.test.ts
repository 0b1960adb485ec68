import { describe, expect, it } from 'vitest';
import { policyIssuePath, settingsIssuePath } from './override-issues.ts';

describe('override issue paths', () => {
  it('places a policy issue by its path inside the policy', () => {
    expect(
      policyIssuePath({
        code: 'node.invalid_policy',
        message: 'Node "fetch", field "policy.retry.maxAttempts": Max attempts must be at least 1',
        nodeId: 'fetch',
        path: ['retry', 'maxAttempts'],
      }),
    ).toBe('retry.maxAttempts');
    expect(
      policyIssuePath({ code: 'node.invalid_config', message: '', nodeId: 'x', path: ['url'] }),
    ).toBeUndefined();
  });

  it('places a document issue under settings by the field after "settings"', () => {
    const issue = (path: (string | number)[]) =>
      settingsIssuePath({ code: 'document.invalid', message: '', path });
    expect(issue(['settings', 'maxConcurrentRuns'])).toBe('maxConcurrentRuns');
    expect(issue(['settings'])).toBe('');
    expect(issue(['nodes', 0, 'position'])).toBeUndefined();
  });
});
