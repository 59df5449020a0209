import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { AUDIT_BODY_BOUNDS, boundBody, redactBody } from './redact.js';

describe('redactBody', () => {
  it('never keeps passwords, passphrases or stream keys', () => {
    const redacted = JSON.stringify(
      redactBody({
        username: 'bob',
        password: 'hunter22hunter',
        url: 'rtmp://a.rtmp.youtube.com/live2/sk-123-456',
        options: { passphrase: 'verysecretpass', latency: 200 },
        nested: [{ new_password: 'x1234567' }],
      }),
    );
    for (const secret of ['hunter22hunter', 'sk-123-456', 'verysecretpass', 'x1234567']) assert.ok(!redacted.includes(secret), secret);
    assert.ok(redacted.includes('"latency":200'));
    assert.ok(redacted.includes('rtmp://a.rtmp.youtube.com/live2/****'));
  });

  it('masks secrets inside SRT URLs and unknown schemes alike', () => {
    assert.deepEqual(redactBody({ url: 'srt://h:1?passphrase=abcdefghijkl' }), { url: 'srt://h:1?passphrase=****' });
    assert.deepEqual(redactBody({ url: 'http://h/x/y' }), { url: 'http://h/x/****' });
  });
});

describe('boundBody', () => {
  it('bounds keys, depth, items, strings and total size, and says it cut', () => {
    const wide = Object.fromEntries(Array.from({ length: 9000 }, (_, i) => [`k${i}`, 'x'.repeat(16)]));
    const bounded = boundBody(wide);
    assert.equal(bounded.truncated, true);
    assert.ok(Object.keys(bounded.value as object).length <= AUDIT_BODY_BOUNDS.maxKeys + 1);
    assert.ok(JSON.stringify(bounded.value).length <= AUDIT_BODY_BOUNDS.maxBytes + 1000);
    assert.equal(boundBody({ a: { b: { c: { d: { e: 1 } } } } }).truncated, true);
    assert.equal(boundBody({ list: Array.from({ length: 100 }, () => 1) }).truncated, true);
    assert.equal(boundBody({ s: 'z'.repeat(600) }).truncated, true);
    assert.deepEqual(boundBody({ name: 'small', port: 5000 }), { value: { name: 'small', port: 5000 }, truncated: false });
  });

  it('keeps a "__proto__" key as data and never stores a NUL', () => {
    const value = boundBody(JSON.parse('{"__proto__":{"polluted":true},"n":"a\\u0000b"}')).value as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(value), Object.prototype);
    assert.deepEqual(Object.keys(value), ['__proto__', 'n']);
    assert.equal(value['n'], 'a\\u0000b');
  });

  it('stays within its size budget for any JSON body', () => {
    fc.assert(fc.property(fc.jsonValue(), (body) => JSON.stringify(boundBody(body).value ?? null).length <= AUDIT_BODY_BOUNDS.maxBytes + 4000));
  });
});
