// The SRT input's srt-live-transmit command line: URI per mode, latency in milliseconds,
// configs it cannot express refused with a reason that names no secret, secrets masked.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SrtInputConfig } from '../../types.js';
import { buildSrtInputArgs, describeSrtInput, srtInputCommand, srtInputRedactor, srtInputUri } from './srt-input-command.js';

const LISTENER: SrtInputConfig = { type: 'srt', mode: 'listener', bindIp: '0.0.0.0', host: null, port: 9000, latencyMs: 200, passphrase: null, pbkeylen: null, streamId: null };
const CALLER: SrtInputConfig = { ...LISTENER, mode: 'caller', host: '10.1.2.3', port: 9001 };

describe('buildSrtInputArgs', () => {
  it('listener on every address: statistics to the given pipe, TS on stdout, latency in milliseconds', () => {
    assert.deepEqual(buildSrtInputArgs(LISTENER, '/tmp/mld-srt-stats-x/stats'), [
      '-a:yes',
      '-v',
      '-loglevel:note',
      '-s:500',
      '-pf:json',
      '-f',
      '-statsout:/tmp/mld-srt-stats-x/stats',
      'srt://:9000?mode=listener&latency=200',
      'file://con',
    ]);
  });

  it('runs under stdbuf -o0, so each SRT packet reaches us as it arrives', () => {
    const { command, args } = srtInputCommand(LISTENER, null, '/opt/srt/bin/srt-live-transmit');
    assert.equal(command, 'stdbuf');
    assert.deepEqual(args, ['-o0', '/opt/srt/bin/srt-live-transmit', ...buildSrtInputArgs(LISTENER, null)]);
  });

  it('without a statistics path, no statistics (srt-live-transmit would print them into the TS)', () => {
    assert.deepEqual(buildSrtInputArgs(LISTENER, null), ['-a:yes', '-v', '-loglevel:note', 'srt://:9000?mode=listener&latency=200', 'file://con']);
  });

  it('listener on one address, with passphrase and key length', () => {
    const uri = srtInputUri({ ...LISTENER, bindIp: '127.0.0.5', passphrase: 'correct horse battery', pbkeylen: 32 });
    assert.equal(uri, 'srt://127.0.0.5:9000?mode=listener&latency=200&passphrase=correct horse battery&pbkeylen=32');
  });

  it('IPv6 bind address in brackets', () => {
    assert.equal(srtInputUri({ ...LISTENER, bindIp: '::1' }), 'srt://[::1]:9000?mode=listener&latency=200');
    assert.equal(srtInputUri({ ...LISTENER, bindIp: '::' }), 'srt://:9000?mode=listener&latency=200');
  });

  it('caller: the host to call, stream id, and the local address as adapter unless any', () => {
    assert.equal(srtInputUri({ ...CALLER, streamId: '#!::r=live/feed1,m=request' }), 'srt://10.1.2.3:9001?mode=caller&latency=200&streamid=#!::r=live/feed1,m=request');
    assert.equal(srtInputUri({ ...CALLER, bindIp: '127.0.0.7', passphrase: 'secretsecret1' }), 'srt://10.1.2.3:9001?mode=caller&latency=200&passphrase=secretsecret1&adapter=127.0.0.7');
  });

  it('refuses what srt-live-transmit cannot take, naming the field but not the secret', () => {
    const cases: Array<[Partial<SrtInputConfig>, RegExp]> = [
      [{ port: 80 }, /port must be 1024-65535/],
      [{ port: 70000 }, /port must be/],
      [{ latencyMs: 1.5 }, /latencyMs must be a whole number/],
      [{ latencyMs: -1 }, /latencyMs/],
      [{ passphrase: 'short' }, /passphrase must be 10-79 characters, got 5/],
      [{ passphrase: 'p'.repeat(80) }, /passphrase must be 10-79 characters, got 80/],
      [{ passphrase: 'abc&def=ghijk' }, /passphrase cannot contain "&"/],
      [{ passphrase: 'abcdefghij\nk' }, /passphrase cannot contain/],
      [{ pbkeylen: 20 as 16 }, /pbkeylen must be 16, 24 or 32/],
      [{ bindIp: '1.2.3.4?mode=caller' }, /bindIp is not an address/],
    ];
    for (const [change, pattern] of cases) {
      assert.throws(() => buildSrtInputArgs({ ...LISTENER, ...change }, null), (e: Error) => {
        assert.match(e.message, pattern);
        if (change.passphrase) assert.ok(!e.message.includes(change.passphrase), e.message);
        return true;
      });
    }
    assert.throws(() => buildSrtInputArgs({ ...CALLER, host: null }, null), /a caller needs the host/);
    assert.throws(() => buildSrtInputArgs({ ...CALLER, host: 'evil/path' }, null), /host is not an address/);
    assert.throws(() => buildSrtInputArgs({ ...CALLER, streamId: 'a&mode=listener' }, null), /streamId cannot contain "&"/);
  });
});

describe('srtInputRedactor', () => {
  it('masks passphrase and stream id in argv and in the lines srt-live-transmit prints', () => {
    const input: SrtInputConfig = { ...CALLER, passphrase: 'secretsecret1', streamId: 'feed-key-77' };
    const redact = srtInputRedactor(input);
    const argv = buildSrtInputArgs(input, null).map(redact).join(' ');
    assert.ok(!argv.includes('secretsecret1') && !argv.includes('feed-key-77'), argv);
    assert.match(argv, /passphrase=\*\*\*\*&streamid=\*\*\*\*/);
    assert.equal(redact("\tpassphrase = 'secretsecret1'"), "\tpassphrase = '****'");
    assert.equal(redact("Media path: 'srt://10.1.2.3:9001?mode=caller&streamid=feed-key-77' --> 'file://con'"), "Media path: 'srt://10.1.2.3:9001?mode=caller&streamid=****' --> 'file://con'");
  });
});

describe('describeSrtInput', () => {
  it('says what no_signal is waiting for', () => {
    assert.equal(describeSrtInput(LISTENER), 'listening on 0.0.0.0:9000');
    assert.equal(describeSrtInput(CALLER), 'calling 10.1.2.3:9001');
  });
});
