import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskOutputOptions, maskOutputUrl, outputSecrets, splitRtmpPath, splitRtmpUrl } from './output-secrets.js';

describe('the RTMP stream key rule', () => {
  it('the application is the first segment, the key everything after it; one segment is all key', () => {
    assert.deepEqual(splitRtmpPath('/live2/abcd'), { app: '/live2', key: 'abcd' });
    assert.deepEqual(splitRtmpPath('/app/inst/key'), { app: '/app', key: 'inst/key' });
    assert.deepEqual(splitRtmpPath('/KEY'), { app: '', key: 'KEY' });
    assert.deepEqual(splitRtmpPath('/live/'), { app: '/live', key: '' });
    assert.deepEqual(splitRtmpUrl('rtmp://h:1935/KEY?t=1'), { server: 'rtmp://h:1935', key: 'KEY?t=1' });
    assert.deepEqual(splitRtmpUrl('rtmp://h/live/'), { server: 'rtmp://h/live/', key: '' });
  });

  it('masks a single-segment RTMP URL (it was shown whole)', () => {
    assert.equal(maskOutputUrl('rtmp', 'rtmp://host:1935/KEY'), 'rtmp://host:1935/****');
    assert.equal(maskOutputUrl('rtmps', 'rtmps://host/KEY?token=abc'), 'rtmps://host/****?token=****');
    assert.equal(maskOutputUrl('rtmp', 'rtmp://host/app?bare-token'), 'rtmp://host/****?****');
  });

  it('lists every form of every secret for redaction', () => {
    const rtmp = outputSecrets({ protocol: 'rtmp', url: 'rtmp://host:1935/KEY-1', options: {} });
    assert.ok(rtmp.includes('KEY-1'));
    const srt = outputSecrets({ protocol: 'srt', url: 'srt://h:1?PASSPHRASE=abc%2Fdefghijk', options: { streamid: 'a b/c', latency: 200 } });
    for (const s of ['abc%2Fdefghijk', 'abc/defghijk', 'a b/c', 'a%20b%2Fc']) assert.ok(srt.includes(s), s);
    assert.ok(!srt.includes('200'));
    assert.deepEqual(maskOutputOptions({ Passphrase: 'x', latency: 1 }), { Passphrase: '****', latency: 1 });
  });
});
