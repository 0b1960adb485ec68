import { describe, expect, it } from 'vitest';
import { formatPercent, nodeStatsBadge } from './node-stats-badge.ts';

const figures = { steps: 50, failed: 2, errorRate: 0.04, p95Ms: 120, retries: 1 };

describe('nodeStatsBadge', () => {
  it('shows p95 and error rate, with the counts in the tooltip', () => {
    expect(nodeStatsBadge(figures)).toEqual({
      text: 'p95 120 ms · 4 % errors',
      tone: 'warn',
      tooltip: '50 steps · 2 failed · 1 retry',
    });
  });

  it('colours by error rate', () => {
    expect(nodeStatsBadge({ ...figures, failed: 0, errorRate: 0 })?.tone).toBe('ok');
    expect(nodeStatsBadge({ ...figures, failed: 1, errorRate: 0.02 })?.tone).toBe('warn');
    expect(nodeStatsBadge({ ...figures, failed: 5, errorRate: 0.1 })?.tone).toBe('bad');
    expect(nodeStatsBadge({ ...figures, failed: 50, errorRate: 1 })?.text).toBe(
      'p95 120 ms · 100 % errors',
    );
  });

  it('shows nothing for a node without finished attempts', () => {
    expect(nodeStatsBadge(undefined)).toBeUndefined();
    expect(nodeStatsBadge({ ...figures, steps: 0, failed: 0, errorRate: null })).toBeUndefined();
  });

  it('leaves out a p95 it does not have', () => {
    expect(nodeStatsBadge({ ...figures, p95Ms: null })?.text).toBe('4 % errors');
  });
});

describe('formatPercent', () => {
  it('keeps a rare failure visible', () => {
    expect(formatPercent(0)).toBe('0 %');
    expect(formatPercent(0.004)).toBe('0.4 %');
    expect(formatPercent(0.00001)).toBe('0.1 %');
    expect(formatPercent(0.123)).toBe('12 %');
  });
});
