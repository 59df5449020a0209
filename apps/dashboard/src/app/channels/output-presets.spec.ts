import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { maskOutputUrl, parseOutputUrl, splitRtmpUrl } from '@mld/contracts';
import { placeOutputErrors } from './output-form-errors.js';
import { adMarkersNote, buildOutputRequest, emptyValues, presetById, PRESETS, valuesFromOutput, type OutputFormValues } from './output-presets.js';

function values(preset: string, extra: Partial<OutputFormValues>): OutputFormValues {
  return { ...emptyValues(presetById(preset)), ...extra };
}

function build(preset: string, extra: Partial<OutputFormValues>) {
  const result = buildOutputRequest(presetById(preset)!, values(preset, extra));
  assert.ok(result.ok, JSON.stringify(result));
  return result.value;
}

describe('platform presets → URL', () => {
  it('fills the platform URL templates with only the stream key', () => {
    assert.equal(build('youtube-rtmp', { key: 'abcd-efgh' }).url, 'rtmp://a.rtmp.youtube.com/live2/abcd-efgh');
    assert.equal(build('youtube-rtmps', { key: 'abcd-efgh' }).url, 'rtmps://a.rtmps.youtube.com:443/live2/abcd-efgh');
    assert.equal(build('facebook', { key: 'FB-1-0-Ab' }).url, 'rtmps://live-api-s.facebook.com:443/rtmp/FB-1-0-Ab');
    assert.equal(build('twitch', { key: 'live_1_x' }).url, 'rtmp://live.twitch.tv/app/live_1_x');
    assert.equal(build('kick', { key: 'sk_1' }).url, 'rtmps://fa723fc1b171.global-contribute.live-video.net/app/sk_1');
    assert.equal(build('youtube-rtmps', { key: ' k ' }).protocol, 'rtmps');
    assert.equal(build('youtube-rtmp', { key: 'k' }).protocol, 'rtmp');
  });

  it('every platform preset yields a URL the API accepts', () => {
    for (const p of PRESETS.filter((x) => x.template)) {
      const req = build(p.id, { key: 'the-key_123' });
      assert.equal(parseOutputUrl(req.protocol, req.url, req.options).ok, true, p.id);
      assert.match(maskOutputUrl(req.protocol, req.url), /\/\*\*\*\*$/, `${p.id} key masked`);
    }
  });

  it('joins a server URL the operator pasted with the key, deriving RTMP or RTMPS from it', () => {
    assert.deepEqual(build('x', { server: 'rtmp://va.pscp.tv:80/x/', key: 'k1' }), { protocol: 'rtmp', url: 'rtmp://va.pscp.tv:80/x/k1', options: {}, name: 'X', enabled: true });
    assert.equal(build('linkedin', { server: 'rtmps://1.global.contribute.linkedin.com:443/live', key: 'k' }).protocol, 'rtmps');
    assert.equal(build('kick', { server: 'rtmps://other.global-contribute.live-video.net/app', key: 'k' }).url, 'rtmps://other.global-contribute.live-video.net/app/k');
    assert.equal(build('rtmp', { server: 'rtmp://127.0.0.1:1935/live/already-there' }).url, 'rtmp://127.0.0.1:1935/live/already-there');
  });

  it('asks for what is missing instead of sending a broken URL', () => {
    const r = buildOutputRequest(presetById('youtube-rtmp')!, values('youtube-rtmp', { key: '  ' }));
    assert.deepEqual(r, { ok: false, errors: { key: 'Enter the stream key' } });
    const x = buildOutputRequest(presetById('x')!, values('x', { key: 'k' }));
    assert.deepEqual(x, { ok: false, errors: { server: 'Enter the regional ingest url' } });
    const bad = buildOutputRequest(presetById('rtmp')!, values('rtmp', { server: 'http://host/live' }));
    assert.deepEqual(bad, { ok: false, errors: { server: 'Must start with rtmp:// or rtmps://' } });
  });
});

describe('SRT, UDP and RTP presets', () => {
  it('builds SRT caller URLs with options for mode, latency (ms), passphrase and stream id', () => {
    const req = build('srt', { host: '127.0.0.1', port: '9000', latency: '300', passphrase: 'correct-horse-battery', streamid: '#!::r=live' });
    assert.deepEqual(req, {
      protocol: 'srt',
      url: 'srt://127.0.0.1:9000',
      options: { mode: 'caller', latency: 300, passphrase: 'correct-horse-battery', streamid: '#!::r=live' },
      name: 'SRT',
      enabled: true,
    });
    assert.equal(parseOutputUrl(req.protocol, req.url, req.options).ok, true);
  });

  it('lets an SRT listener leave the host empty (every address)', () => {
    assert.equal(build('srt', { mode: 'listener', port: '9001' }).url, 'srt://0.0.0.0:9001');
    const caller = buildOutputRequest(presetById('srt')!, values('srt', { port: '9001' }));
    assert.deepEqual(caller, { ok: false, errors: { host: 'Enter the destination host' } });
  });

  it('builds UDP and RTP with TTL, and checks numbers', () => {
    assert.deepEqual(build('udp', { host: '239.1.1.1', port: '5000', ttl: '8', name: '' }), { protocol: 'udp', url: 'udp://239.1.1.1:5000', options: { ttl: 8 }, enabled: true });
    assert.equal(build('rtp', { host: '10.0.0.5', port: '5004' }).url, 'rtp://10.0.0.5:5004');
    const r = buildOutputRequest(presetById('udp')!, values('udp', { host: 'h', port: 'abc', ttl: '1.5' }));
    assert.deepEqual(r, { ok: false, errors: { port: 'Must be a whole number', ttl: 'Must be a whole number' } });
  });
});

describe('existing output → preset and values (editing)', () => {
  it('recognises platform URLs and extracts the key', () => {
    const yt = valuesFromOutput({ protocol: 'rtmp', url: 'rtmp://a.rtmp.youtube.com/live2/abc', options: {}, name: 'YT', enabled: true });
    assert.equal(yt.preset.id, 'youtube-rtmp');
    assert.equal(yt.values.key, 'abc');
    assert.equal(yt.values.name, 'YT');
    const kick = valuesFromOutput({ protocol: 'rtmps', url: 'rtmps://fa723fc1b171.global-contribute.live-video.net/app/sk', options: {}, name: 'K', enabled: false });
    assert.deepEqual([kick.preset.id, kick.values.server, kick.values.key, kick.values.enabled], ['kick', '', 'sk', false]);
    const custom = valuesFromOutput({ protocol: 'rtmp', url: 'rtmp://127.0.0.1:1935/live/key1', options: {}, name: 'n', enabled: true });
    assert.deepEqual([custom.preset.id, custom.values.server, custom.values.key], ['rtmp', 'rtmp://127.0.0.1:1935/live', 'key1']);
    assert.equal(valuesFromOutput({ protocol: 'rtmp', url: 'rtmp://va.pscp.tv:80/x/k', options: {}, name: 'n', enabled: true }).preset.id, 'x');
  });

  it('round-trips SRT with query options and keeps options the form has no control for', () => {
    const { preset, values: v } = valuesFromOutput({ protocol: 'srt', url: 'srt://10.0.0.50:9000?latency=200&maxbw=-1', options: { passphrase: 'abcdefghijk', mode: 'caller' }, name: 'cdn', enabled: true });
    assert.equal(preset.id, 'srt');
    assert.deepEqual([v.host, v.port, v.latency, v.passphrase, v.mode], ['10.0.0.50', '9000', '200', 'abcdefghijk', 'caller']);
    const again = buildOutputRequest(preset, v);
    assert.ok(again.ok);
    assert.deepEqual(again.value.options, { maxbw: '-1', mode: 'caller', latency: 200, passphrase: 'abcdefghijk' });
    assert.equal(again.value.url, 'srt://10.0.0.50:9000');
  });

  it('splits RTMP URLs where the API masks them: the key is everything after the application', () => {
    assert.deepEqual(splitRtmpUrl('rtmp://h/app/key'), { server: 'rtmp://h/app', key: 'key' });
    assert.deepEqual(splitRtmpUrl('rtmp://h/app/sub/key?x=1/2'), { server: 'rtmp://h/app', key: 'sub/key?x=1/2' });
    // One segment is all key (rtmp://host:1935/KEY): it goes to the hidden key field, not the server.
    const single = valuesFromOutput({ protocol: 'rtmp', url: 'rtmp://h:1935/SINGLE-KEY', options: {}, name: 'n', enabled: true });
    assert.deepEqual([single.values.server, single.values.key], ['rtmp://h:1935', 'SINGLE-KEY']);
    const again = buildOutputRequest(single.preset, single.values);
    assert.equal(again.ok && again.value.url, 'rtmp://h:1935/SINGLE-KEY');
    assert.equal(maskOutputUrl('rtmp', 'rtmp://h:1935/SINGLE-KEY'), 'rtmp://h:1935/****');
  });
});

describe('API errors → output form fields', () => {
  it('puts URL problems next to host/port, server or key, and option problems next to the option', () => {
    const srt = presetById('srt')!;
    assert.deepEqual(
      placeOutputErrors(srt, {
        url: 'url port must be between 1 and 65535; url host "x y" is not a valid host name or IP address',
        options: 'option "passphrase" must be 10 to 79 characters long (SRT requirement)',
        name: 'this channel already has an output named "SRT"',
      }),
      {
        byField: {
          port: 'url port must be between 1 and 65535',
          host: 'url host "x y" is not a valid host name or IP address',
          passphrase: 'option "passphrase" must be 10 to 79 characters long (SRT requirement)',
          name: 'this channel already has an output named "SRT"',
        },
        unplaced: [],
      },
    );
    assert.deepEqual(placeOutputErrors(presetById('youtube-rtmp')!, { url: 'url must not contain spaces or control characters' }).byField, { key: 'url must not contain spaces or control characters' });
    assert.deepEqual(placeOutputErrors(presetById('x')!, { url: 'url host "" is not valid' }).byField, { server: 'url host "" is not valid' });
    assert.deepEqual(placeOutputErrors(presetById('udp')!, { options: 'option "maxbw" is not supported', enabled: 'enabled must be true or false' }), {
      byField: { url: 'option "maxbw" is not supported' },
      unplaced: ['enabled must be true or false'],
    });
  });
});

describe('ad markers on RTMP outputs (ADR 0015)', () => {
  it('YouTube presets start with YouTube cue points, other platforms with none; the request carries the option only when on', () => {
    assert.equal(emptyValues(presetById('youtube-rtmps')).ad_markers, 'youtube');
    assert.deepEqual(build('youtube-rtmp', { key: 'k' }).options, { ad_markers: 'youtube' });
    assert.deepEqual(build('twitch', { key: 'k' }).options, {});
    assert.deepEqual(build('rtmp', { server: 'rtmp://h/live', key: 'k', ad_markers: 'on_cue_point_scte35' }).options, { ad_markers: 'on_cue_point_scte35' });
    assert.deepEqual(build('youtube-rtmp', { key: 'k', ad_markers: 'none' }).options, {}, 'turned off by the operator');
    assert.deepEqual(build('srt', { host: 'h', port: '9000', ad_markers: 'youtube' }).options['ad_markers'], undefined, 'SRT carries the cues themselves');
    for (const p of PRESETS.filter((x) => x.template)) {
      const req = build(p.id, { key: 'k' });
      assert.ok(parseOutputUrl(req.protocol, req.url, req.options).ok, `${p.id}: the API accepts ${JSON.stringify(req.options)}`);
    }
  });

  it('editing shows the saved format and keeps it; an option error lands on the select', () => {
    const edited = valuesFromOutput({ protocol: 'rtmp', url: 'rtmp://a.rtmp.youtube.com/live2/k', options: { ad_markers: 'on_cue_point_scte35' }, name: 'YT', enabled: true });
    assert.equal(edited.preset.id, 'youtube-rtmp');
    assert.equal(edited.values.ad_markers, 'on_cue_point_scte35');
    assert.deepEqual(edited.values.extraOptions, {});
    const again = buildOutputRequest(edited.preset, edited.values);
    assert.ok(again.ok && again.value.options['ad_markers'] === 'on_cue_point_scte35');
    assert.equal(valuesFromOutput({ protocol: 'rtmp', url: 'rtmp://h/live/k', options: {}, name: 'c', enabled: true }).values.ad_markers, 'none', 'saved without the option: none');
    assert.deepEqual(placeOutputErrors(presetById('rtmp')!, { options: 'option "ad_markers" must be none, on_cue_point_scte35, youtube, got "x"' }).byField, { ad_markers: 'option "ad_markers" must be none, on_cue_point_scte35, youtube, got "x"' });
  });

  it('the form note says what happens to the cues', () => {
    assert.match(adMarkersNote('none'), /video and audio only/);
    assert.match(adMarkersNote('youtube'), /YouTube cue point.*at its splice time/);
    assert.match(adMarkersNote('on_cue_point_scte35'), /onCuePoint message as MediaLive sends it/);
  });
});
