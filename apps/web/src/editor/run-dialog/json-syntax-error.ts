/**
 * Where JSON text first goes wrong, and why, in words a user can act on. JSON.parse's messages
 * differ between engines and often give no position, so the text is scanned here instead.
 */

export type JsonSyntaxError = { offset: number; line: number; column: number; reason: string };

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly reason: string,
  ) {
    super(reason);
  }
}

/** The first syntax error in `text`, or undefined when it is valid JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let at = 0;
  const describe = (index: number) =>
    index >= text.length ? 'the text ends too early' : `unexpected ${JSON.stringify(text[index])}`;
  const expected = (what: string) =>
    at >= text.length
      ? `the text ends too early: expected ${what}`
      : `expected ${what}, found ${JSON.stringify(text[at])}`;
  const fail = (reason: string): never => {
    throw new Stop(at, reason);
  };
  const space = () => {
    while (at < text.length && ' \t\n\r'.includes(text[at] as string)) at++;
  };
  const expect = (char: string, what: string) => {
    space();
    if (text[at] !== char) fail(expected(what));
    at++;
  };
  const string = () => {
    at++;
    while (at < text.length && text[at] !== '"') {
      if (text[at] === '\n') fail('a string cannot span lines');
      if (text[at] === '\\') {
        at++;
        if (!'"\\/bfnrtu'.includes(text[at] ?? '')) fail('invalid escape in a string');
      }
      at++;
    }
    if (at >= text.length) fail('a string is not closed with "');
    at++;
  };
  const value = (): void => {
    space();
    const char = text[at];
    if (char === '{') {
      at++;
      space();
      if (text[at] === '}') {
        at++;
        return;
      }
      for (;;) {
        space();
        if (text[at] !== '"') fail(expected('a property name in double quotes'));
        string();
        expect(':', "':'");
        value();
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        expect('}', "',' or '}'");
        return;
      }
    }
    if (char === '[') {
      at++;
      space();
      if (text[at] === ']') {
        at++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[at] === ',') {
          at++;
          continue;
        }
        expect(']', "',' or ']'");
        return;
      }
    }
    if (char === '"') {
      string();
      return;
    }
    const literal = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(
      text.slice(at),
    );
    if (literal && !/[A-Za-z0-9_$]/.test(text[at + literal[0].length] ?? '')) {
      at += literal[0].length;
      return;
    }
    fail(`${describe(at)}: expected a value`);
  };
  try {
    value();
    space();
    if (at < text.length) fail(`${describe(at)} after the value`);
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset).split('\n');
    return {
      offset: error.offset,
      line: before.length,
      column: (before.at(-1)?.length ?? 0) + 1,
      reason: error.reason,
    };
  }
}
