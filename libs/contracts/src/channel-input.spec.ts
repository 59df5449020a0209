import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskChannelInput, parseChannelInput, rtmpPublishUrl, type ChannelInputSpec } from './channel-input.js';

const KEY = () => 'live_new';
const fields = (r: ReturnType<typeof parseChannelInput>) => (r.ok ? [] : r.problems.map((p) => p.field));

describe('parseChannelInput', () => {
  it('names every wrong field under input.*', () => {
    assert.deepEqual(fields(parseChannelInput({ type: 'srt', mode: 'listener', port: 70000, latency: 5, passphrase: 'short' }, null, KEY)), ['input.port', 'input.latency', 'input.passphrase']);
    assert.deepEqual(fields(parseChannelInput({ type: 'srt', mode: 'caller', port: 9000 }, null, KEY)), ['input.host']);
    assert.deepEqual(fields(parseChannelInput({ type: 'webrtc' }, null, KEY)), ['input.type']);
    assert.deepEqual(fields(parseChannelInput({ type: 'file', media_id: '../etc/passwd' }, null, KEY)), ['input.media_id']);
    assert.deepEqual(fields(parseChannelInput({ type: 'rtmp', stream_key: 'mine' }, null, KEY)), ['input.stream_key'], 'the key is made by the service, never given');
    assert.deepEqual(fields(parseChannelInput('srt', null, KEY)), ['input']);
  });

  it('keeps secrets not repeated in a change of the same kind and mode, and the RTMP key', () => {
    const current: ChannelInputSpec = { type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: '127.0.0.9', port: 9000, latency: 300, passphrase: 'correct-horse-77', pbkeylen: 16, streamid: 'id-1' };
    const r = parseChannelInput({ type: 'srt', mode: 'caller', host: '127.0.0.9', port: 9001 }, current, KEY);
    assert.deepEqual(r.ok && [r.value.type === 'srt' && r.value.passphrase, r.value.type === 'srt' && r.value.streamid, r.value.type === 'srt' && r.value.latency], ['correct-horse-77', 'id-1', 300]);
    const cleared = parseChannelInput({ type: 'srt', mode: 'caller', host: '127.0.0.9', port: 9001, passphrase: null, pbkeylen: null }, current, KEY);
    assert.equal(cleared.ok && cleared.value.type === 'srt' && cleared.value.passphrase, null);
    const rtmp = parseChannelInput({ type: 'rtmp' }, { type: 'rtmp', stream_key: 'live_old' }, KEY);
    assert.deepEqual(rtmp.ok && rtmp.value, { type: 'rtmp', stream_key: 'live_old' });
    assert.deepEqual(parseChannelInput({ type: 'rtmp' }, null, KEY), { ok: true, value: { type: 'rtmp', stream_key: 'live_new' } });
  });

  it('pbkeylen needs a passphrase', () => {
    assert.deepEqual(fields(parseChannelInput({ type: 'srt', port: 9000, pbkeylen: 32 }, null, KEY)), ['input.pbkeylen']);
  });
});

describe('maskChannelInput / rtmpPublishUrl', () => {
  it('hides passphrase, stream id and stream key from roles without secret.read', () => {
    assert.deepEqual(maskChannelInput({ type: 'rtmp', stream_key: 'live_x' }, false), { type: 'rtmp', stream_key: '****' });
    const srt = maskChannelInput({ type: 'srt', mode: 'caller', bind_ip: '0.0.0.0', host: 'h', port: 1, latency: 200, passphrase: 'correct-horse-77', pbkeylen: null, streamid: null }, false);
    assert.deepEqual(srt.type === 'srt' && [srt.passphrase, srt.streamid], ['****', null]);
  });

  it('builds the URL an encoder publishes to (default port left out)', () => {
    assert.equal(rtmpPublishUrl('10.0.0.5', 1935, 'live_k'), 'rtmp://10.0.0.5/live/live_k');
    assert.equal(rtmpPublishUrl('10.0.0.5', 19350, 'live_k'), 'rtmp://10.0.0.5:19350/live/live_k');
  });
});
