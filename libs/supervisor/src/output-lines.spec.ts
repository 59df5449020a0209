import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { genericLineParser, type LineParser } from './line-parser.js';
import { OutputLines, safeRedactor } from './output-lines.js';

const redactKey = (text: string) => text.replaceAll('sk-live-123', '[redacted]');

describe('OutputLines', () => {
  it('redacts a secret split across chunks before it caps the line', () => {
    const out = new OutputLines(genericLineParser, redactKey, 40);
    assert.deepEqual(out.push('stderr', 'rtmp://x/app/sk-li'), []);
    const [line] = out.push('stderr', 've-123: Connection refused by the remote server at once\n');
    assert.equal(line?.line.includes('sk-live'), false);
    assert.equal(line?.line.startsWith('rtmp://x/app/[redacted]: Connection'), true);
    assert.equal(line?.line.endsWith('…'), true);
    assert.equal(line?.error?.includes('[redacted]'), true);
  });

  it('passes progress through and reports a throwing parser instead of throwing', () => {
    const parser: LineParser = {
      parse: (line) => {
        if (line === 'boom') throw new Error('parser broke on sk-live-123');
        return line.startsWith('frame=') ? { progress: { frame: 1 } } : undefined;
      },
    };
    const out = new OutputLines(parser, redactKey, 100);
    assert.deepEqual(out.push('stdout', 'frame=1\nboom\n'), [
      { stream: 'stdout', line: 'frame=1', progress: { frame: 1 } },
      { stream: 'stdout', line: 'boom', parserError: 'parser broke on [redacted]' },
    ]);
    assert.deepEqual(out.push('stderr', 'tail'), []);
    assert.deepEqual(out.flush(), [{ stream: 'stderr', line: 'tail' }]);
  });
});

describe('safeRedactor', () => {
  it('never falls back to the raw text when the redactor throws', () => {
    const redact = safeRedactor(() => {
      throw new Error('bug');
    });
    assert.equal(redact('password=hunter2'), '[redaction failed]');
    assert.equal(safeRedactor(undefined)('plain'), 'plain');
  });
});
