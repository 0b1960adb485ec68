import { describe, expect, it } from 'vitest';
import { stepNameOf, stepNamesOf } from './step-labels.ts';

const document = {
  nodes: [
    {
      id: 'fetch',
      type: 'http.request',
      label: 'Fetch orders',
      position: { x: 0, y: 0 },
      config: {},
    },
    { id: 'blank', type: 'http.request', label: '   ', position: { x: 0, y: 0 }, config: {} },
    { id: 'plain', type: 'transform.jsonata', position: { x: 0, y: 0 }, config: {} },
  ],
} as Parameters<typeof stepNamesOf>[0];

describe('stepNamesOf', () => {
  it("names a node by its label, falling back to its id when it has none or it's blank", () => {
    const names = stepNamesOf(document);
    expect(stepNameOf(names, 'fetch')).toEqual({ primary: 'Fetch orders', labelled: true });
    expect(stepNameOf(names, 'blank')).toEqual({ primary: 'blank', labelled: false });
    expect(stepNameOf(names, 'plain')).toEqual({ primary: 'plain', labelled: false });
  });

  it('names a node missing from the document by its id', () => {
    expect(stepNameOf(stepNamesOf(document), 'gone')).toEqual({ primary: 'gone', labelled: false });
  });
});
