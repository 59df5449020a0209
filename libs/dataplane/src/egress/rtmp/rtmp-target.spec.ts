import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeSocketError, rtmpTarget, tlsOptions } from './rtmp-target.js';

describe('rtmpTarget', () => {
  it('splits app, stream name (with its query) and a tcUrl without the key', () => {
    assert.deepEqual(rtmpTarget({ protocol: 'rtmps', url: 'rtmps://live-api-s.facebook.com:443/rtmp/FB-1-abc?s_bl=1&a=x', host: 'live-api-s.facebook.com', port: 443 }), {
      secure: true,
      host: 'live-api-s.facebook.com',
      port: 443,
      app: 'rtmp',
      streamName: 'FB-1-abc?s_bl=1&a=x',
      tcUrl: 'rtmps://live-api-s.facebook.com:443/rtmp',
    });
    const t = rtmpTarget({ protocol: 'rtmp', url: 'rtmp://a.rtmp.youtube.com/live2/abcd-efgh', host: 'a.rtmp.youtube.com', port: 1935 });
    assert.equal(t.app, 'live2');
    assert.equal(t.streamName, 'abcd-efgh');
  });

  it('with a single segment, the app is empty and the segment is the stream name (as FFmpeg reads it)', () => {
    const t = rtmpTarget({ protocol: 'rtmp', url: 'rtmp://h:1935/KEY', host: 'h', port: 1935 });
    assert.deepEqual([t.app, t.streamName, t.tcUrl], ['', 'KEY', 'rtmp://h:1935']);
  });

  it('keeps a nested key path and brackets IPv6 hosts in tcUrl', () => {
    const t = rtmpTarget({ protocol: 'rtmp', url: 'rtmp://[::1]:1935/app/a/b', host: '::1', port: 1935 });
    assert.deepEqual([t.app, t.streamName, t.tcUrl], ['app', 'a/b', 'rtmp://[::1]:1935/app']);
  });
});

describe('TLS options', () => {
  it('verifies certificates and sends SNI for host names, never for IP literals', () => {
    const named = tlsOptions(rtmpTarget({ protocol: 'rtmps', url: 'rtmps://live.example.com/app/k', host: 'live.example.com', port: 443 }));
    assert.equal(named.rejectUnauthorized, true);
    assert.equal(named.servername, 'live.example.com');
    const ip = tlsOptions(rtmpTarget({ protocol: 'rtmps', url: 'rtmps://10.0.0.1/app/k', host: '10.0.0.1', port: 443 }));
    assert.equal(ip.servername, undefined);
    assert.equal(ip.rejectUnauthorized, true);
  });
});

describe('describeSocketError', () => {
  const t = rtmpTarget({ protocol: 'rtmp', url: 'rtmp://h.example:1935/app/k', host: 'h.example', port: 1935 });
  const err = (code: string, message = code) => Object.assign(new Error(message), { code });
  it('says what happened and with whom', () => {
    assert.equal(describeSocketError(err('ECONNREFUSED'), t), 'connection refused by h.example:1935');
    assert.equal(describeSocketError(err('ENOTFOUND'), t), 'host not found: h.example');
    assert.equal(describeSocketError(err('ECONNRESET'), t), 'connection reset by h.example:1935');
    assert.equal(describeSocketError(err('CERT_HAS_EXPIRED', 'certificate has expired'), t), 'TLS with h.example:1935 failed: certificate has expired');
    assert.equal(describeSocketError(err('ERR_TLS_CERT_ALTNAME_INVALID', "Hostname/IP does not match certificate's altnames"), t), "TLS with h.example:1935 failed: Hostname/IP does not match certificate's altnames");
  });
});
