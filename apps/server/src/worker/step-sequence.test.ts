import { describe, expect, it } from 'vitest';
import { StepSequence } from './step-sequence.ts';

describe('StepSequence', () => {
  it('numbers attempts 1, 2, 3 in the order they are first seen', () => {
    const sequence = new StepSequence();
    expect(sequence.of('trigger', 1)).toBe(1);
    expect(sequence.of('left', 1)).toBe(2);
    expect(sequence.of('right', 1)).toBe(3);
    expect(sequence.of('left', 2)).toBe(4);
  });

  it('keeps the number of an attempt seen again (started after waiting, then finished)', () => {
    const sequence = new StepSequence();
    expect(sequence.of('call', 1)).toBe(1);
    expect(sequence.of('call', 2)).toBe(2);
    expect(sequence.of('other', 1)).toBe(3);
    expect(sequence.of('call', 2)).toBe(2);
    expect(sequence.of('call', 1)).toBe(1);
  });

  it('continues after the highest persisted seq and keeps persisted rows their numbers', () => {
    const sequence = new StepSequence([
      { nodeId: 'trigger', attempt: 1, seq: 1 },
      { nodeId: 'call', attempt: 2, seq: 7 },
      { nodeId: 'call', attempt: 1, seq: 3 },
    ]);
    expect(sequence.of('call', 2)).toBe(7);
    expect(sequence.of('next', 1)).toBe(8);
    expect(sequence.of('call', 3)).toBe(9);
  });
});
