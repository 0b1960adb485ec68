import { describe, expect, it } from 'vitest';
import { isStatsOverlayRange, statsWindow } from './stats-overlay.ts';

describe('statsWindow', () => {
  it('ends at the end of the current minute and covers the range', () => {
    const now = Date.parse('2026-12-04T10:15:42.123Z');
    expect(statsWindow('24h', now)).toEqual({
      from: '2026-12-03T10:16:00.000Z',
      to: '2026-12-04T10:16:00.000Z',
    });
    expect(statsWindow('1h', now).from).toBe('2026-12-04T09:16:00.000Z');
  });

  it('is the same all through a minute', () => {
    const start = Date.parse('2026-12-04T10:15:00.000Z');
    expect(statsWindow('7d', start)).toEqual(statsWindow('7d', start + 59_999));
  });
});

describe('isStatsOverlayRange', () => {
  it('accepts only the offered ranges', () => {
    expect(isStatsOverlayRange('7d')).toBe(true);
    expect(isStatsOverlayRange('30d')).toBe(false);
    expect(isStatsOverlayRange('toString')).toBe(false);
  });
});
