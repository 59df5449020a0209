// Destinations that could never work are refused (400 naming the field) or stored in the form
// the tools need, at creation and on edit: upper-case schemes, IPv6 hosts, IPv4 interface
// options with an IPv6 destination. Real PostgreSQL through the test app.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, ErrorResponse, OutputResponse } from '@mld/contracts';
import { freeUdpPort, startTestApp, type TestApp } from '../testing/test-app.js';

describe('output destinations (real PostgreSQL)', () => {
  let app: TestApp;
  let token: string;
  let channelId: string;

  before(async () => {
    app = await startTestApp();
    token = await app.login();
    const channel = await app.request<ChannelWithOutputsResponse>('POST', '/api/channels', { token, body: { name: 'destinations', bind_ip: '127.0.0.1', port: await freeUdpPort() } });
    assert.equal(channel.status, 201, JSON.stringify(channel.body));
    channelId = channel.body.id;
  });
  after(async () => app?.close());

  const outputs = `/api/channels/${'{id}'}/outputs`;
  const path = (suffix = '') => outputs.replace('{id}', channelId) + suffix;

  it('stores an upper-case scheme in lower case, on create and on edit (FFmpeg refuses RTMP://)', async () => {
    const created = await app.request<OutputResponse>('POST', path(), { token, body: { protocol: 'rtmp', url: 'RTMP://127.0.0.1:1935/live/k1' } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.equal(created.body.url, 'rtmp://127.0.0.1:1935/live/k1');
    const edited = await app.request<OutputResponse>('PATCH', path(`/${created.body.id}`), { token, body: { url: 'RtMp://127.0.0.1:1935/live/k2' } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.equal(edited.body.url, 'rtmp://127.0.0.1:1935/live/k2');
  });

  it('accepts IPv6 destinations for SRT, UDP and RTP, named with single brackets', async () => {
    for (const [protocol, url] of [['srt', 'srt://[::1]:9000?latency=120'], ['udp', 'udp://[::1]:5000'], ['rtp', 'rtp://[ff02::1]:5004?ttl=2']] as const) {
      const created = await app.request<OutputResponse>('POST', path(), { token, body: { protocol, url } });
      assert.equal(created.status, 201, `${url}: ${JSON.stringify(created.body)}`);
      assert.equal(created.body.url, url);
      assert.match(created.body.name, /^(srt|udp|rtp) \[[0-9a-f:]+\]:\d+$/);
    }
  });

  it('refuses an IPv4 interface option with an IPv6 destination, naming the field, and changes nothing', async () => {
    const before = (await app.request<OutputResponse[]>('GET', path(), { token })).body;
    const cases: Array<[string, unknown, string]> = [
      ['POST', { protocol: 'udp', url: 'udp://[::1]:5000', options: { localaddr: '127.0.0.1' } }, 'options'],
      ['POST', { protocol: 'srt', url: 'srt://[::1]:9000?adapter=127.0.0.1' }, 'url'],
    ];
    const udp = before.find((o) => o.protocol === 'udp')!;
    cases.push([`PATCH /${udp.id}`, { options: { localaddr: '127.0.0.1' } }, 'options']);
    for (const [method, body, field] of cases) {
      const [verb, suffix = ''] = method.split(' ');
      const result = await app.request<ErrorResponse>(verb!, path(suffix), { token, body });
      assert.equal(result.status, 400, `${method} ${JSON.stringify(body)} → ${result.status} ${JSON.stringify(result.body)}`);
      assert.ok(
        result.body.errors?.some((e) => e.field === field && /is an IPv4 address and cannot be used with the IPv6 destination/.test(e.message)),
        JSON.stringify(result.body),
      );
    }
    assert.deepEqual((await app.request<OutputResponse[]>('GET', path(), { token })).body, before);
  });

  it('takes ad_markers on RTMP outputs (stored, editable) and refuses an unknown value or another protocol, naming the field', async () => {
    const created = await app.request<OutputResponse>('POST', path(), { token, body: { protocol: 'rtmps', url: 'rtmps://127.0.0.1:443/live2/yt', options: { ad_markers: 'youtube' } } });
    assert.equal(created.status, 201, JSON.stringify(created.body));
    assert.deepEqual(created.body.options, { ad_markers: 'youtube' });
    const edited = await app.request<OutputResponse>('PATCH', path(`/${created.body.id}`), { token, body: { options: { ad_markers: 'on_cue_point_scte35' } } });
    assert.equal(edited.status, 200, JSON.stringify(edited.body));
    assert.deepEqual(edited.body.options, { ad_markers: 'on_cue_point_scte35' });
    for (const [body, message] of [
      [{ protocol: 'rtmp', url: 'rtmp://127.0.0.1/live/k', options: { ad_markers: 'scte35' } }, 'option "ad_markers" must be none, on_cue_point_scte35, youtube, got "scte35"'],
      [{ protocol: 'srt', url: 'srt://127.0.0.1:9000', options: { ad_markers: 'youtube' } }, 'option "ad_markers" is not supported for srt outputs (allowed: mode, latency, passphrase, pbkeylen, streamid, maxbw, oheadbw, conntimeo, payloadsize, adapter)'],
    ] as const) {
      const result = await app.request<ErrorResponse>('POST', path(), { token, body });
      assert.equal(result.status, 400, JSON.stringify(result.body));
      assert.ok(result.body.errors?.some((e) => e.field === 'options' && e.message === message), JSON.stringify(result.body));
    }
  });
});
