import { describe, expect, it } from 'vitest';
import { searchNodeTypes } from './node-type-search.ts';

const CATALOG = [
  {
    type: 'trigger.manual',
    title: 'Manual trigger',
    category: 'trigger',
    description: 'Starts a run when you press Run.',
  },
  {
    type: 'http.request',
    title: 'HTTP request',
    category: 'action',
    description: 'Calls a URL and returns the JSON response.',
  },
  {
    type: 'transform.jsonata',
    title: 'JSONata',
    category: 'transform',
    description: 'Reshapes the input with a JSONata expression.',
  },
  {
    type: 'logic.if',
    title: 'If',
    category: 'logic',
    description: 'Routes the input to true or false.',
  },
];

const types = (query: string) => searchNodeTypes(CATALOG, query).map((d) => d.type);

describe('searchNodeTypes', () => {
  it('returns everything in catalogue order for an empty query', () => {
    expect(types('  ')).toEqual(CATALOG.map((d) => d.type));
  });

  it('ranks a title match above a description mention', () => {
    // "json" is in the HTTP request's description, but JSONata's title starts with it.
    expect(types('json')).toEqual(['transform.jsonata', 'http.request']);
  });

  it('matches the type id, the category (and its plural heading) and is case-insensitive', () => {
    expect(types('logic.if')).toEqual(['logic.if']);
    expect(types('TRANSFORMS')).toEqual(['transform.jsonata']);
    expect(types('action')).toEqual(['http.request']);
  });

  it('needs every word to match somewhere', () => {
    expect(types('http url')).toEqual(['http.request']);
    expect(types('http nothing-like-this')).toEqual([]);
  });

  it('forgives missing letters in a title', () => {
    expect(types('jsnta')).toEqual(['transform.jsonata']);
    expect(types('zzz')).toEqual([]);
  });
});
