import { describe, expect, it } from 'vitest';
import {
  exactDuration,
  formatBytes,
  formatCountdown,
  formatDuration,
  formatRelative,
} from './format.ts';

describe('formatDuration', () => {
  it('picks a unit that reads naturally', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(42)).toBe('42 ms');
    expect(formatDuration(1234)).toBe('1.23 s');
    expect(formatDuration(42_500)).toBe('42.5 s');
    expect(formatDuration(125_000)).toBe('2m 5s');
  });
});

describe('exactDuration', () => {
  it('restates milliseconds in the largest unit that holds them exactly', () => {
    expect(exactDuration(30_000)).toBe('30 s');
    expect(exactDuration(1_500)).toBe('1.5 s');
    expect(exactDuration(90_000)).toBe('1.5 min');
    expect(exactDuration(300_000)).toBe('5 min');
    expect(exactDuration(86_400_000)).toBe('24 h');
    expect(exactDuration(100_000)).toBe('100 s');
  });

  it('says nothing when no unit states the value exactly, or for no time at all', () => {
    expect(exactDuration(1_234)).toBeUndefined();
    expect(exactDuration(250)).toBeUndefined();
    expect(exactDuration(0)).toBeUndefined();
    expect(exactDuration(1.5)).toBeUndefined();
  });
});

describe('formatRelative', () => {
  const now = Date.parse('2026-01-10T12:00:00Z');
  it('describes past times relative to now', () => {
    expect(formatRelative('2026-01-10T11:59:50Z', now)).toBe('just now');
    expect(formatRelative('2026-01-10T11:55:00Z', now)).toBe('5 minutes ago');
    expect(formatRelative('2026-01-09T12:00:00Z', now)).toBe('yesterday');
  });
});

describe('formatCountdown', () => {
  it('rounds up so a wait never reads as over before it is', () => {
    expect(formatCountdown(1)).toBe('1s');
    expect(formatCountdown(11_200)).toBe('12s');
    expect(formatCountdown(0)).toBe('0s');
    expect(formatCountdown(-500)).toBe('0s');
  });

  it('switches to minutes and hours with zero-padded remainders', () => {
    expect(formatCountdown(65_000)).toBe('1m 05s');
    expect(formatCountdown(3_600_000 + 2 * 60_000)).toBe('1h 02m');
  });
});

describe('formatBytes', () => {
  it('uses binary units, with one decimal below ten', () => {
    expect(formatBytes(512)).toBe('512 B');
    expect(formatBytes(64 * 1024)).toBe('64 KiB');
    expect(formatBytes(1536)).toBe('1.5 KiB');
    expect(formatBytes(8.5 * 1024 * 1024)).toBe('8.5 MiB');
    expect(formatBytes(300 * 1024 * 1024)).toBe('300 MiB');
  });
});
