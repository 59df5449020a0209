import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { LineSplitter, truncateLine } from './line-splitter.js';

describe('LineSplitter', () => {
  it('splits on \\n, \\r and \\r\\n and drops the empty lines between', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('a\nb\rc\r\nd\n\n'), ['a', 'b', 'c', 'd']);
  });

  it('holds a partial line until its end arrives, across several chunks', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('frame=  1 fps='), []);
    assert.deepEqual(s.push('25'), []);
    assert.deepEqual(s.push(' size=1kB\rframe=  2'), ['frame=  1 fps=25 size=1kB']);
    assert.deepEqual(s.push('\r'), ['frame=  2']);
  });

  it('handles a \\r\\n pair split between chunks', () => {
    const s = new LineSplitter();
    assert.deepEqual(s.push('one\r'), ['one']);
    assert.deepEqual(s.push('\ntwo\n'), ['two']);
  });

  it('flushes the unterminated tail once', () => {
    const s = new LineSplitter();
    s.push('done\nlast words');
    assert.deepEqual(s.flush(), ['last words']);
    assert.deepEqual(s.flush(), []);
  });

  it('caps a runaway line and resumes at the next line end', () => {
    const s = new LineSplitter(5);
    assert.deepEqual(s.push('abc'), []);
    assert.deepEqual(s.push('defghij'), []);
    assert.deepEqual(s.push('klm\nok\n'), ['abcde…', 'ok']);
  });
});

describe('truncateLine', () => {
  it('marks cut lines and leaves short ones alone', () => {
    assert.equal(truncateLine('hello', 5), 'hello');
    assert.equal(truncateLine('hello world', 5), 'hello…');
  });
});
