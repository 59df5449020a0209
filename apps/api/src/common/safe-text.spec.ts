import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { escapeForLog } from './log-escape.js';
import { storableText, unsafeTextProblem } from './safe-text.js';

describe('unsafeTextProblem', () => {
  it('refuses C0, DEL and C1 controls and lone surrogates; accepts any other text', () => {
    for (const c of ['\u0000', '\u0007', '\u001b', '\t', '\n', '\r', '\u007f', '\u0085', '\u009b']) assert.equal(unsafeTextProblem(`a${c}b`), 'control', JSON.stringify(c));
    for (const s of ['\ud800', 'x\udc00', '\udbff\ud800']) assert.equal(unsafeTextProblem(s), 'surrogate', JSON.stringify(s));
    for (const s of ['news-main', 'Nachrichten Hauptkanal', 'チャンネル', 'emoji 🎬', 'a b']) assert.equal(unsafeTextProblem(s), null, s);
  });
});

describe('storableText', () => {
  it('makes NUL visible and lone surrogates U+FFFD, and leaves whole pairs alone', () => {
    assert.equal(storableText('a\u0000b'), 'a\\u0000b');
    assert.equal(storableText('x\ud800y'), 'x\ufffdy');
    assert.equal(storableText('🎬'), '🎬');
  });

  it('always yields text with no NUL and no lone surrogate', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (s) => !storableText(s).includes('\u0000') && unsafeTextProblem(storableText(s).replace(/[\u0001-\u001f\u007f-\u009f]/g, '')) === null));
  });
});

describe('escapeForLog', () => {
  it('turns terminal controls into visible escapes', () => {
    assert.equal(escapeForLog('red\u001b[31mname\u0007'), 'red\\x1b[31mname\\x07');
    assert.equal(escapeForLog('nul\u0000 cr\r del\u007f csi\u009b'), 'nul\\x00 cr\\x0d del\\x7f csi\\x9b');
    assert.equal(escapeForLog('half \ud800'), 'half \\ud800');
  });

  it('keeps stack traces readable but lets no user text start a line of its own', () => {
    assert.equal(escapeForLog('Error: x\n    at f (a.js:1:1)'), 'Error: x\n    at f (a.js:1:1)');
    assert.equal(escapeForLog('channel "a\n[Nest] 1 - fake line"'), 'channel "a\n    [Nest] 1 - fake line"');
  });

  it('never leaves a control character other than tab and newline, nor a line that starts unindented', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const out = escapeForLog(s);
        return !/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/.test(out) && out.split('\n').slice(1).every((line) => line.startsWith('    '));
      }),
    );
  });
});
