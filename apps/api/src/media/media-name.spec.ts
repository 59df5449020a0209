import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { checkMediaName, nameFromFileName } from './media-name.js';

describe('media names: metadata, never a path', () => {
  it('accepts ordinary names (trimmed), Unicode included, up to 200 characters', () => {
    assert.deepEqual(checkMediaName('  Slate 1080p  '), { ok: true, name: 'Slate 1080p' });
    assert.deepEqual(checkMediaName('Générique · 片头'), { ok: true, name: 'Générique · 片头' });
    assert.equal(checkMediaName('é'.repeat(200)).ok, true);
    assert.equal(checkMediaName('a.b.ts').ok, true);
  });

  it('refuses separators, "..", control characters, empty and overlong names, naming the field', () => {
    for (const [value, words] of [
      ['../etc/passwd', 'path separators'],
      ['a/b', 'path separators'],
      ['a\\b', 'path separators'],
      ['..', '".."'],
      ['x..y', '".."'],
      ['bell\u0007', 'control characters'],
      ['nul\u0000', 'control characters'],
      ['   ', 'must not be empty'],
      ['x'.repeat(201), 'at most 200'],
      ['\ud800', 'lone UTF-16 surrogate'],
    ] as const) {
      const checked = checkMediaName(value);
      assert.equal(checked.ok, false, JSON.stringify(value));
      if (!checked.ok) {
        assert.equal(checked.problem.field, 'name');
        assert.ok(checked.problem.message.startsWith('name ') && checked.problem.message.includes(words), `${JSON.stringify(value)}: ${checked.problem.message}`);
      }
    }
  });

  it('derives a default from the file name without its extension', () => {
    assert.equal(nameFromFileName('clip.mp4'), 'clip');
    assert.equal(nameFromFileName('my.clip.ts'), 'my.clip');
    assert.equal(nameFromFileName('.hidden'), '.hidden');
    assert.equal(nameFromFileName(undefined), '');
  });
});
