/**
 * Step values serialised once per execution. A node's output is serialised when the executor
 * measures it against the output limit, and the same object (or long string) comes back as the
 * next node's input and in later rows of the same step: each time, its JSON text is reused.
 */
import { toJsonText } from '../db/json-column.ts';

/** JSON text ready to be written as it is (see serializeStepRows). */
export class SerializedJson {
  private size: number | undefined;

  constructor(readonly text: string) {}

  /** UTF-8 bytes of the text. */
  get bytes(): number {
    this.size ??= Buffer.byteLength(this.text, 'utf8');
    return this.size;
  }
}

/** Shorter strings are cheaper to serialise again than to look up. */
const MIN_CACHED_STRING = 1024;

export class SerializedValues {
  private readonly objects = new WeakMap<object, SerializedJson>();
  private readonly strings = new Map<string, SerializedJson>();

  /** The value's storable JSON text. */
  of(value: unknown): SerializedJson {
    const known = this.cached(value);
    if (known) return known;
    const json = new SerializedJson(toJsonText(value));
    this.remember(value, json);
    return json;
  }

  /**
   * The value's size in bytes as stored, for the executor's output limit. Values within
   * `maxBytes` are kept for the rows that follow; larger ones fail their step and are dropped.
   */
  measure(value: unknown, maxBytes: number): number {
    const known = this.cached(value);
    if (known) return known.bytes;
    const json = new SerializedJson(toJsonText(value));
    if (json.bytes <= maxBytes) this.remember(value, json);
    return json.bytes;
  }

  private cached(value: unknown): SerializedJson | undefined {
    if (typeof value === 'object' && value !== null) return this.objects.get(value);
    if (typeof value === 'string' && value.length >= MIN_CACHED_STRING) {
      return this.strings.get(value);
    }
    return undefined;
  }

  private remember(value: unknown, json: SerializedJson): void {
    if (typeof value === 'object' && value !== null) this.objects.set(value, json);
    else if (typeof value === 'string' && value.length >= MIN_CACHED_STRING) {
      this.strings.set(value, json);
    }
  }
}
