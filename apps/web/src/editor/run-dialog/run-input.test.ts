import { describe, expect, it } from 'vitest';
import {
  initialRunInputText,
  parseRunInput,
  rememberRunInput,
  sampleRunInput,
} from './run-input.ts';

class MemoryStorage implements Storage {
  readonly #items = new Map<string, string>();
  get length() {
    return this.#items.size;
  }
  clear() {
    this.#items.clear();
  }
  getItem(key: string) {
    return this.#items.get(key) ?? null;
  }
  key(index: number) {
    return [...this.#items.keys()][index] ?? null;
  }
  removeItem(key: string) {
    this.#items.delete(key);
  }
  setItem(key: string, value: string) {
    this.#items.set(key, value);
  }
}

const manual = (config: Record<string, unknown>) => ({
  data: { nodeType: 'trigger.manual', config },
});
const webhook = { data: { nodeType: 'trigger.webhook', config: { path: 'orders' } } };

describe('sampleRunInput', () => {
  it("offers the manual trigger's sample input", () => {
    expect(sampleRunInput([manual({ sampleInput: { orderId: 42 } })])).toEqual({ orderId: 42 });
  });

  it('offers {} for a trigger without one', () => {
    expect(sampleRunInput([manual({})])).toEqual({});
    expect(sampleRunInput([webhook])).toEqual({});
  });
});

describe('initialRunInputText', () => {
  it('prefers the input last run for this flow over the sample', () => {
    const storage = new MemoryStorage();
    const nodes = [manual({ sampleInput: { orderId: 42 } })];
    expect(JSON.parse(initialRunInputText(storage, 'f1', nodes))).toEqual({ orderId: 42 });
    rememberRunInput(storage, 'f1', '{ "orderId": 7 }');
    expect(initialRunInputText(storage, 'f1', nodes)).toBe('{ "orderId": 7 }');
    expect(JSON.parse(initialRunInputText(storage, 'f2', nodes))).toEqual({ orderId: 42 });
  });
});

describe('parseRunInput', () => {
  it('parses JSON', () => {
    expect(parseRunInput('{ "a": [1, 2] }')).toEqual({ ok: true, value: { a: [1, 2] } });
  });

  it('names the line of a syntax error', () => {
    const parsed = parseRunInput('{\n  "a": 1,\n  "b": oops\n}');
    expect(parsed).toMatchObject({ ok: false, line: 3 });
    expect(parsed.ok ? '' : parsed.message).toMatch(/^Line 3: /);
    expect(parsed.ok ? '' : parsed.message).not.toContain('position');
  });

  it('puts an unfinished value on its last line', () => {
    expect(parseRunInput('{\n  "a": 1,')).toMatchObject({ ok: false, line: 2 });
  });

  it('refuses empty text', () => {
    expect(parseRunInput('  ')).toMatchObject({ ok: false, line: 1 });
  });
});
