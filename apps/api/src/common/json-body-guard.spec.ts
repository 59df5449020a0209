import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { findBodyProblem, jsonNestsDeeperThan, MAX_JSON_KEYS } from './json-body-guard.js';

const bytes = (text: string) => new TextEncoder().encode(text);
const depthOf = (value: unknown): number =>
  value !== null && typeof value === 'object' ? 1 + Math.max(0, ...Object.values(value as object).map(depthOf)) : 0;

describe('jsonNestsDeeperThan', () => {
  it('counts nesting outside strings only', () => {
    assert.equal(jsonNestsDeeperThan(bytes('{"a":{"b":[1]}}'), 3), false);
    assert.equal(jsonNestsDeeperThan(bytes('{"a":{"b":[1]}}'), 2), true);
    assert.equal(jsonNestsDeeperThan(bytes('{"a":"[[[[{{{{\\"[[[["}'), 1), false);
    assert.equal(jsonNestsDeeperThan(bytes(`${'['.repeat(5000)}${']'.repeat(5000)}`), 32), true);
  });

  it('agrees with the depth of any JSON value', () => {
    fc.assert(fc.property(fc.jsonValue({ maxDepth: 8 }), fc.integer({ min: 0, max: 10 }), (value, limit) => jsonNestsDeeperThan(bytes(JSON.stringify(value)), limit) === depthOf(value) > limit));
  });
});

describe('findBodyProblem', () => {
  it('names the field holding text PostgreSQL cannot store', () => {
    assert.equal(findBodyProblem({ name: 'ok', options: { streamid: 'a\u0000b' } })?.field, 'options.streamid');
    assert.equal(findBodyProblem({ list: ['x', '\ud800'] })?.field, 'list[1]');
    assert.equal(findBodyProblem({ ['bad\u0000key']: 1 })?.field, 'body');
    assert.equal(findBodyProblem({ name: 'news 🎬', port: 5000, options: { latency: 200 } }), null);
  });

  it('refuses prototype keys anywhere and objects with too many keys', () => {
    for (const key of ['__proto__', 'constructor', 'prototype']) assert.equal(findBodyProblem(JSON.parse(`{"options":{"${key}":{"x":1}}}`))?.field, `options.${key}`);
    const many = Object.fromEntries(Array.from({ length: MAX_JSON_KEYS + 1 }, (_, i) => [`k${i}`, i]));
    assert.match(findBodyProblem(many)?.message ?? '', /at most 1000/);
  });
});
