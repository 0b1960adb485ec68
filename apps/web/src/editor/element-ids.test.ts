import { describe, expect, it } from 'vitest';
import { nextEdgeId, nextNodeId } from './element-ids.ts';

describe('nextNodeId', () => {
  it('derives a numbered id from the node type', () => {
    expect(nextNodeId('http.request', new Set())).toBe('http_request_1');
    expect(nextNodeId('http.request', new Set(['http_request_1']))).toBe('http_request_2');
  });

  it('fills the first gap rather than colliding with hand-written ids', () => {
    const taken = new Set(['logic_if_1', 'logic_if_3']);
    expect(nextNodeId('logic.if', taken)).toBe('logic_if_2');
  });

  it('always yields a valid document identifier', () => {
    const id = nextNodeId(`weird type/${'x'.repeat(100)}`, new Set());
    expect(id).toMatch(/^[A-Za-z0-9_-]{1,64}$/);
  });
});

describe('nextEdgeId', () => {
  it('names an edge after its endpoints and handle', () => {
    expect(nextEdgeId({ source: 'check', sourceHandle: 'true', target: 'notify' }, new Set())).toBe(
      'check-true-notify',
    );
  });

  it('numbers repeats and falls back for very long ids', () => {
    expect(nextEdgeId({ source: 'a', target: 'b' }, new Set(['a-b']))).toBe('a-b_2');
    const long = 'n'.repeat(60);
    expect(nextEdgeId({ source: long, target: long }, new Set())).toBe('edge_2');
  });
});
