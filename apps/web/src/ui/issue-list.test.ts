import { describe, expect, it } from 'vitest';
import { conciseIssueMessage, issueLocation } from './issue-list.tsx';

describe('issue messages', () => {
  it('drops the node/field lead-in where the location is shown separately', () => {
    const issue = {
      code: 'node.invalid_config' as const,
      message: 'Node "h", field "url": URL is required',
      nodeId: 'h',
      path: ['url'],
    };
    expect(conciseIssueMessage(issue)).toBe('URL is required');
    expect(issueLocation(issue)).toBe('node h · url');
  });

  it('keeps messages that read as a sentence about the node', () => {
    const issue = {
      code: 'graph.cycle' as const,
      message: 'Node "h" is connected to itself; flows cannot loop',
      nodeId: 'h',
      path: [],
    };
    expect(conciseIssueMessage(issue)).toBe(issue.message);
  });

  it('drops the field lead-in of a document issue, such as one in the flow settings', () => {
    const issue = {
      code: 'document.invalid' as const,
      message: 'Field "settings.maxConcurrentRuns": Max concurrent runs must be at least 1',
      path: ['settings', 'maxConcurrentRuns'],
    };
    expect(conciseIssueMessage(issue)).toBe('Max concurrent runs must be at least 1');
    expect(issueLocation(issue)).toBe('settings.maxConcurrentRuns');
  });
});
