// The benchmark's command line (`npm run bench -- …`): pure parsing, no process started.
import { strict as assert } from 'node:assert';
import { describe, it } from 'node:test';
import { parseArgs, parseBitrate, parseConfig, parseInputKind } from './options.js';

describe('bench options', () => {
  it('defaults to today’s run: one channel × 2 outputs fed by RTP, 20 s, reference on', () => {
    const o = parseArgs([]);
    assert.deepEqual(o.configs, [{ channels: 1, outputs: 2 }]);
    assert.equal(o.input, 'rtp');
    assert.equal(o.seconds, 20);
    assert.equal(o.reference, true);
    assert.equal(o.phaseSeconds, 10);
  });

  it('reads --input in both spellings, case-insensitively', () => {
    assert.equal(parseArgs(['--input', 'srt']).input, 'srt');
    assert.equal(parseArgs(['--input=rtmp']).input, 'rtmp');
    assert.equal(parseArgs(['--input', 'FILE', '--matrix', '1x2,2x3']).input, 'file');
    assert.equal(parseArgs(['--input', 'rtp']).input, 'rtp');
    assert.equal(parseInputKind(' srt '), 'srt');
  });

  it('keeps the other options beside --input', () => {
    const o = parseArgs(['--input', 'srt', '--matrix', '1x2', '--seconds', '20', '--rtmp', '--no-reference']);
    assert.deepEqual(o.configs, [{ channels: 1, outputs: 2 }]);
    assert.equal(o.seconds, 20);
    assert.equal(o.rtmp, true);
    assert.equal(o.reference, false);
  });

  it('names the accepted kinds when --input is wrong or missing', () => {
    assert.throws(() => parseArgs(['--input', 'hls']), /--input must be one of rtp, srt, rtmp, file, got "hls"/);
    assert.throws(() => parseArgs(['--input']), /--input needs a value/);
    assert.throws(() => parseArgs(['--input', '--seconds', '20']), /--input needs a value/);
  });

  it('refuses --find-max with an input other than RTP, and allows it with RTP', () => {
    assert.throws(() => parseArgs(['--find-max', '--input', 'srt']), /--find-max runs with RTP inputs only \(got --input srt\)/);
    assert.equal(parseArgs(['--find-max', '--input', 'rtp']).findMax, true);
  });

  it('leaves main/backup off by default; --backup turns it on with 20 switches unless --switches says otherwise', () => {
    assert.equal(parseArgs([]).backup, false);
    const o = parseArgs(['--backup', '--seconds', '6']);
    assert.equal(o.backup, true);
    assert.equal(o.switches, 20);
    assert.deepEqual(o.configs, [{ channels: 1, outputs: 2 }]);
    assert.equal(parseArgs(['--backup', '--switches', '3']).switches, 3);
    assert.equal(parseArgs(['--backup', '--switches=5', '--matrix', '1x2,4x3']).configs.length, 2);
  });

  it('refuses --backup with another input kind or with --find-max, and bad switch counts', () => {
    assert.throws(() => parseArgs(['--backup', '--input', 'srt']), /--backup runs with RTP inputs only \(got --input srt\)/);
    assert.throws(() => parseArgs(['--backup', '--find-max']), /--backup cannot be combined with --find-max/);
    assert.throws(() => parseArgs(['--switches', '0']), /--switches must be a number from 1 to 200, got "0"/);
    assert.throws(() => parseArgs(['--switches', '2.5']), /--switches must be a whole number/);
    assert.throws(() => parseArgs(['--switches']), /--switches needs a value/);
  });

  it('reads bit rates and configurations as documented', () => {
    assert.equal(parseBitrate('8M'), 8_000_000);
    assert.equal(parseBitrate('8000k'), 8_000_000);
    assert.equal(parseBitrate('8'), 8_000_000);
    assert.deepEqual(parseConfig('4x3'), { channels: 4, outputs: 3 });
    assert.throws(() => parseConfig('4by3'), /not CHANNELSxOUTPUTS/);
    assert.throws(() => parseArgs(['--bogus']), /unknown option "--bogus"/);
  });
});
