import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskOutputOptions, maskOutputUrl } from './output-secrets.js';
import { formatOutputUrl, normaliseOutputUrl, parseOutputUrl } from './output-url.js';

function problems(...args: Parameters<typeof parseOutputUrl>): string[] {
  const r = parseOutputUrl(...args);
  return r.ok ? [] : r.problems.map((p) => `${p.field}: ${p.message}`);
}

describe('parseOutputUrl', () => {
  it('accepts the seed SRT example and merges query options', () => {
    const r = parseOutputUrl('srt', 'srt://10.0.0.50:9000?latency=2000&mode=caller');
    assert.ok(r.ok);
    assert.deepEqual(r.value, { protocol: 'srt', host: '10.0.0.50', port: 9000, path: '', options: { latency: 2000, mode: 'caller' } });
  });

  it('treats srt://:port as a listener on every address', () => {
    const r = parseOutputUrl('srt', 'srt://:9000?mode=listener');
    assert.ok(r.ok);
    assert.equal(r.value.host, '0.0.0.0');
  });

  it('gives RTMP its default port and keeps the path', () => {
    const r = parseOutputUrl('rtmp', 'rtmp://a.rtmp.youtube.com/live2/abcd-efgh');
    assert.ok(r.ok);
    assert.equal(r.value.port, 1935);
    assert.equal(r.value.path, '/live2/abcd-efgh');
    const s = parseOutputUrl('rtmps', 'rtmps://live-api-s.facebook.com/rtmp/FB-1');
    assert.ok(s.ok);
    assert.equal(s.value.port, 443);
  });

  it('normalises an upper-case scheme (RFC 3986: schemes are case-insensitive; FFmpeg knows only rtmp://)', () => {
    assert.equal(normaliseOutputUrl('RTMP://Host/Live/KEY'), 'rtmp://Host/Live/KEY');
    assert.equal(normaliseOutputUrl('Srt://h:1?passphrase=ABC'), 'srt://h:1?passphrase=ABC');
    assert.equal(normaliseOutputUrl('not a url RTMP://'), 'not a url RTMP://');
    assert.ok(parseOutputUrl('rtmp', 'RTMP://h/live/k').ok);
  });

  it('keeps IPv6 hosts without brackets, and refuses IPv4 interface options with them', () => {
    const r = parseOutputUrl('srt', 'srt://[::1]:9000');
    assert.ok(r.ok);
    assert.equal(r.value.host, '::1');
    assert.equal(formatOutputUrl(r.value), 'srt://[::1]:9000');
    const u = parseOutputUrl('udp', 'udp://[FF02::1]:5000?ttl=2');
    assert.equal(u.ok && u.value.host, 'ff02::1');
    assert.match(problems('udp', 'udp://[::1]:5000', { localaddr: '10.0.0.1' })[0]!, /^options: option "localaddr" is an IPv4 address and cannot be used with the IPv6 destination ::1/);
    assert.match(problems('srt', 'srt://[::1]:5000?adapter=10.0.0.1')[0]!, /^url: option "adapter" is an IPv4 address/);
  });

  it('rejects schemes outside the allow-list and mismatched protocols', () => {
    assert.match(problems('srt', 'http://x:1')[0]!, /scheme "http" is not allowed/);
    assert.match(problems('srt', 'file:///etc/passwd')[0]!, /scheme "file" is not allowed/);
    assert.match(problems('srt', 'rtmp://x/live/k')[0]!, /does not match protocol "srt"/);
  });

  it('rejects missing ports, bad hosts, spaces and paths', () => {
    assert.match(problems('srt', 'srt://host')[0]!, /must include a port/);
    assert.match(problems('udp', 'udp://999.1.1.1:5000')[0]!, /not a valid host/);
    assert.match(problems('srt', 'srt://host:70000')[0]!, /not a valid URL|port must be/);
    assert.match(problems('srt', 'srt://host:9000 ; rm -rf /')[0]!, /spaces or control characters/);
    assert.match(problems('udp', 'udp://1.2.3.4:5000/x')[0]!, /must not have a path/);
    assert.match(problems('rtmp', 'rtmp://host')[0]!, /application and stream key/);
  });

  it('rejects unknown and out-of-range options with the option named', () => {
    assert.match(problems('srt', 'srt://h:1?evil=1')[0]!, /option "evil" is not supported for srt outputs/);
    assert.match(problems('srt', 'srt://h:1', { latency: 'abc' })[0]!, /^options: option "latency" must be an integer/);
    assert.match(problems('srt', 'srt://h:1', { passphrase: 'short' })[0]!, /10 to 79 characters/);
    assert.match(problems('udp', 'udp://239.0.0.1:5000?ttl=0')[0]!, /"ttl" must be between 1 and 255/);
    assert.match(problems('rtmp', 'rtmp://h/app/key', { latency: 1 })[0]!, /not supported for rtmp outputs \(allowed: ad_markers\)/);
    assert.match(problems('srt', 'srt://h:1', { pbkeylen: 16 })[0]!, /needs a "passphrase"/);
  });

  it('takes ad_markers on RTMP/RTMPS outputs only, with one of its three values', () => {
    const ok = parseOutputUrl('rtmps', 'rtmps://a.rtmps.youtube.com:443/live2/k', { ad_markers: 'youtube' });
    assert.ok(ok.ok && ok.value.options['ad_markers'] === 'youtube' && ok.value.path === '/live2/k');
    assert.ok(parseOutputUrl('rtmp', 'rtmp://h/app/k', { ad_markers: 'on_cue_point_scte35' }).ok);
    assert.equal(problems('rtmp', 'rtmp://h/app/k', { ad_markers: 'scte35' })[0], 'options: option "ad_markers" must be none, on_cue_point_scte35, youtube, got "scte35"');
    assert.match(problems('srt', 'srt://h:1', { ad_markers: 'youtube' })[0]!, /"ad_markers" is not supported for srt outputs/);
  });

  it('refuses the same option twice with different values, without echoing secrets', () => {
    const msg = problems('srt', 'srt://h:1?passphrase=aaaaaaaaaaaa', { passphrase: 'bbbbbbbbbbbb' })[0]!;
    assert.match(msg, /set both in the url/);
    assert.doesNotMatch(msg, /aaaa|bbbb/);
  });
});

describe('masking', () => {
  it('masks RTMP stream keys but keeps the application', () => {
    assert.equal(maskOutputUrl('rtmp', 'rtmp://a.rtmp.youtube.com/live2/abcd-efgh'), 'rtmp://a.rtmp.youtube.com/live2/****');
    assert.equal(maskOutputUrl('rtmps', 'rtmps://h:443/rtmp/FB-1?s_bl=1'), 'rtmps://h:443/rtmp/****?s_bl=****');
  });

  it('masks SRT passphrase and streamid but not latency', () => {
    assert.equal(
      maskOutputUrl('srt', 'srt://h:9000?latency=200&passphrase=secretsecret&streamid=%23!%3A%3Ar%3Dlive'),
      'srt://h:9000?latency=200&passphrase=****&streamid=****',
    );
    assert.deepEqual(maskOutputOptions({ latency: 200, passphrase: 'x' }), { latency: 200, passphrase: '****' });
  });
});
