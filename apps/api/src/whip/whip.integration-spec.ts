// The WHIP endpoint (RFC 9725) of a channel on a real PostgreSQL and the real data plane (werift
// peer, FFmpeg remux): the token is a masked, rotatable secret; a wrong one is a 401; bad offers
// are 4xx that say why; a flood of offers leaves no session and no socket behind.
import { readdirSync, readlinkSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, ErrorResponse } from '@mld/contracts';
import { startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';

type Channel = ChannelWithOutputsResponse & ErrorResponse;

/** A browser-shaped offer (sendonly audio + video) with the video codecs given. */
function offer(video: string[]): string {
  const pts = (lines: string[]) => [...new Set(lines.map((l) => /^a=rtpmap:(\d+)/.exec(l)?.[1]).filter(Boolean))].join(' ');
  const common = ['c=IN IP4 0.0.0.0', 'a=ice-ufrag:abcd', 'a=ice-pwd:0123456789abcdefghijklmn', 'a=fingerprint:sha-256 AA:BB', 'a=setup:actpass', 'a=sendonly', 'a=rtcp-mux'];
  const audio = ['a=rtpmap:111 opus/48000/2'];
  return ['v=0', 'o=- 1 2 IN IP4 127.0.0.1', 's=-', 't=0 0', `m=audio 9 UDP/TLS/RTP/SAVPF ${pts(audio)}`, 'a=mid:0', ...common, ...audio, `m=video 9 UDP/TLS/RTP/SAVPF ${pts(video)}`, 'a=mid:1', ...common, ...video].join('\r\n') + '\r\n';
}

function sockets(): number {
  let n = 0;
  for (const fd of readdirSync('/proc/self/fd')) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`).startsWith('socket:')) n++;
    } catch {
      // closed meanwhile
    }
  }
  return n;
}

describe('WHIP endpoint (real PostgreSQL, real data plane)', () => {
  let app: TestApp;
  let admin: string;
  let viewer: string;

  before(async () => {
    app = await startTestApp({});
    admin = await app.login();
    viewer = await tokenForRole(app, admin, 'viewer');
  });
  after(async () => app?.close());

  const post = (id: string, body: string, token: string | null, type = 'application/sdp') =>
    fetch(`${app.url}/api/channels/${id}/whip`, { method: 'POST', headers: { 'content-type': type, ...(token ? { authorization: `Bearer ${token}` } : {}) }, body, signal: AbortSignal.timeout(30_000) });

  it('makes a token, masks it for a viewer, rotates it; a wrong token is a 401, bad offers are 400s that say why', async () => {
    const made = await app.request<Channel>('POST', '/api/channels', { token: admin, body: { name: 'browser', input: { type: 'whip' } } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const input = made.body.input;
    assert.equal(input.type, 'whip');
    const token = input.type === 'whip' ? input.token : '';
    assert.match(token, /^\S{16,}$/);
    assert.equal(input.whip_url, `/api/channels/${made.body.id}/whip`);
    const seen = await app.request<Channel>('GET', `/api/channels/${made.body.id}`, { token: viewer });
    assert.equal(seen.body.input.type === 'whip' && seen.body.input.token, '****');

    // Not running yet: the token is right, the input is not there.
    assert.equal((await post(made.body.id, offer(['a=rtpmap:102 H264/90000', 'a=fmtp:102 packetization-mode=1;profile-level-id=42e01f']), token)).status, 503);
    assert.equal((await app.request('POST', `/api/channels/${made.body.id}/start`, { token: admin })).status < 300, true);

    assert.equal((await post(made.body.id, 'v=0', 'wrong-token')).status, 401);
    assert.equal((await post(made.body.id, 'v=0', null)).status, 401);
    assert.equal((await post(made.body.id, 'v=0', token, 'text/plain')).status, 415);
    const malformed = await post(made.body.id, 'hello', token);
    assert.equal(malformed.status, 400);
    assert.match(((await malformed.json()) as ErrorResponse).message, /v=0/);
    const vp8 = await post(made.body.id, offer(['a=rtpmap:96 VP8/90000', 'a=rtpmap:98 VP9/90000']), token);
    assert.equal(vp8.status, 400);
    assert.match(((await vp8.json()) as ErrorResponse).message, /H\.264 is not offered \(offered: VP8, VP9\)/);

    const rotated = await app.request<Channel>('POST', `/api/channels/${made.body.id}/input/rotate-key`, { token: admin, body: {} });
    assert.equal(rotated.status, 200, JSON.stringify(rotated.body));
    const newToken = rotated.body.input.type === 'whip' ? rotated.body.input.token : '';
    assert.notEqual(newToken, token);
    assert.equal((await post(made.body.id, 'hello', token)).status, 401);
    assert.equal((await post(made.body.id, 'hello', newToken)).status, 400);
    assert.equal((await fetch(`${app.url}/api/channels/${made.body.id}/whip/nope`, { method: 'DELETE', headers: { authorization: `Bearer ${newToken}` } })).status, 404);
  });

  it('an offer that negotiates gets 201 with an SDP answer and a Location; a second one is busy (409); DELETE ends it', async () => {
    const made = await app.request<Channel>('POST', '/api/channels', { token: admin, body: { name: 'encoder', input: { type: 'whip' } } });
    const token = made.body.input.type === 'whip' ? made.body.input.token : '';
    await app.request('POST', `/api/channels/${made.body.id}/start`, { token: admin });
    const sdp = offer(['a=rtpmap:102 H264/90000', 'a=fmtp:102 packetization-mode=1;profile-level-id=42e01f']);
    const first = await post(made.body.id, sdp, token);
    assert.equal(first.status, 201, await first.clone().text());
    assert.equal(first.headers.get('content-type')?.split(';')[0], 'application/sdp');
    const answer = await first.text();
    assert.match(answer, /a=rtpmap:102 H264\/90000/);
    assert.match(answer, /a=recvonly/);
    const location = first.headers.get('location')!;
    assert.match(location, new RegExp(`^/api/channels/${made.body.id}/whip/[0-9a-f-]{36}$`));
    // Input health names the session and what it offered, before ICE connects.
    const health = (await app.request<Channel>('GET', `/api/channels/${made.body.id}`, { token: admin })).body.runtime?.whip;
    assert.equal(health?.session_id, location.split('/').at(-1));
    assert.deepEqual([health?.connected_at, health?.video.profile, health?.audio?.transcoded_to], [null, 'Constrained Baseline', 'aac']);

    const baseline = sockets();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 100; i++) {
      const r = await post(made.body.id, sdp, token);
      await r.arrayBuffer();
      statuses.set(r.status, (statuses.get(r.status) ?? 0) + 1);
    }
    assert.deepEqual(Object.fromEntries(statuses), { 409: 100 });
    assert.ok(sockets() <= baseline + 2, 'refused offers leave no socket behind');

    assert.equal((await fetch(`${app.url}${location}`, { method: 'DELETE', headers: { authorization: 'Bearer wrong' } })).status, 401);
    assert.equal((await fetch(`${app.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 200);
    assert.equal((await fetch(`${app.url}${location}`, { method: 'DELETE', headers: { authorization: `Bearer ${token}` } })).status, 404);
    // The input is free again.
    const again = await post(made.body.id, sdp, token);
    assert.equal(again.status, 201);

    // Rotating the token ends the session it opened, at once (like an RTMP key): the old token
    // opens nothing, the new one does.
    const rotated = await app.request<Channel>('POST', `/api/channels/${made.body.id}/input/rotate-key`, { token: admin, body: {} });
    assert.equal(rotated.status, 200);
    const newToken = rotated.body.input.type === 'whip' ? rotated.body.input.token : '';
    assert.equal((await app.request<Channel>('GET', `/api/channels/${made.body.id}`, { token: admin })).body.runtime?.whip ?? null, null, 'the session of the old token ended');
    const oldLocation = again.headers.get('location')!;
    assert.equal((await fetch(`${app.url}${oldLocation}`, { method: 'DELETE', headers: { authorization: `Bearer ${newToken}` } })).status, 404);
    assert.equal((await post(made.body.id, sdp, token)).status, 401);
    assert.equal((await post(made.body.id, sdp, newToken)).status, 201);
  });
});
