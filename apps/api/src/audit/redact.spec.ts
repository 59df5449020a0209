import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redactBody } from './redact.js';

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
