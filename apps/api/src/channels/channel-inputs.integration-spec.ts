// Inputs of every kind through the API on a real PostgreSQL: validation names the field and
// changes nothing, secrets are masked for roles that may not see them (also inside URLs),
// SRT listeners share the UDP port space with RTP/UDP inputs, an RTMP key is made by the service
// and rotates, a file input must name a library file (which then cannot be deleted), and an input
// change is recorded with what changed and who changed it.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { ChannelWithOutputsResponse, ErrorResponse, EventPage, MediaResponse } from '@mld/contracts';
import { makeTs, uploadForm } from '../media/testing/media-fixtures.js';
import { freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';

type Channel = ChannelWithOutputsResponse & ErrorResponse;

describe('channel inputs of every kind (real PostgreSQL)', () => {
  let app: TestApp;
  let admin: string;
  let viewer: string;
  let operator: string;

  before(async () => {
    app = await startTestApp({ PUBLIC_HOST: 'distributor.test', RTMP_INGEST_PORT: '19350' });
    admin = await app.login();
    viewer = await tokenForRole(app, admin, 'viewer');
    operator = await tokenForRole(app, admin, 'operator');
  });
  after(async () => app?.close());

  const create = (body: unknown, token = admin) => app.request<Channel>('POST', '/api/channels', { token, body });
  const get = (id: string, token = admin) => app.request<Channel>('GET', `/api/channels/${id}`, { token });

  it('an SRT listener: defaults filled, connect URL given, passphrase masked for a viewer but not for an operator', async () => {
    const port = await freeUdpPort();
    const made = await create({ name: 'srt in', input: { type: 'srt', mode: 'listener', port, passphrase: 'correct-horse-77' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body.input, { type: 'srt', mode: 'listener', bind_ip: '0.0.0.0', host: null, port, latency: 200, passphrase: 'correct-horse-77', pbkeylen: null, streamid: null, connect_url: `srt://distributor.test:${port}` });
    assert.deepEqual([made.body.input_type, made.body.bind_ip, made.body.port, made.body.rtp_ip, made.body.rtp_port], ['srt', '0.0.0.0', port, null, null]);
    const seenByViewer = await get(made.body.id, viewer);
    assert.equal(seenByViewer.body.input.type === 'srt' && seenByViewer.body.input.passphrase, '****');
    assert.doesNotMatch(JSON.stringify(seenByViewer.body), /correct-horse-77/);
    const seenByOperator = await get(made.body.id, operator);
    assert.equal(seenByOperator.body.input.type === 'srt' && seenByOperator.body.input.passphrase, 'correct-horse-77');
  });

  it('refuses bad inputs with a 400 naming each field, and changes nothing', async () => {
    const before = (await app.request('GET', '/api/channels', { token: admin })).body;
    const bad = await create({ name: 'bad', input: { type: 'srt', mode: 'caller', port: 70000, latency: 5, passphrase: 'short', bind_ip: '1.2.3.4' } });
    assert.equal(bad.status, 400);
    assert.deepEqual(bad.body.errors?.map((e) => e.field).sort(), ['input.bind_ip', 'input.host', 'input.latency', 'input.passphrase', 'input.port']);
    assert.equal((await create({ name: 'bad', input: { type: 'carrier-pigeon' } })).body.errors?.[0]?.field, 'input.type');
    assert.equal((await create({ name: 'bad', input: 'srt' })).status, 400);
    const both = await create({ name: 'bad', input: { type: 'rtmp' }, rtp_port: 5000 });
    assert.deepEqual([both.status, both.body.errors?.[0]?.field], [400, 'rtp_port']);
    assert.deepEqual((await app.request('GET', '/api/channels', { token: admin })).body, before);
  });

  it('an SRT listener and an RTP input cannot share a UDP port (409 naming the channel); an SRT caller binds none', async () => {
    const port = await freeUdpPort();
    assert.equal((await create({ name: 'rtp on port', bind_ip: '0.0.0.0', port })).status, 201);
    const clash = await create({ name: 'srt on port', input: { type: 'srt', port } });
    assert.equal(clash.status, 409);
    assert.match(clash.body.message, /already used by channel "rtp on port" \(0\.0\.0\.0:\d+\).*SRT runs over UDP/);
    assert.equal(clash.body.errors?.[0]?.field, 'input.port');
    const caller = await create({ name: 'srt caller same port', input: { type: 'srt', mode: 'caller', host: '127.0.0.9', port, streamid: 'feed-1' } });
    assert.equal(caller.status, 201, JSON.stringify(caller.body));
    assert.deepEqual([caller.body.bind_ip, caller.body.port], [null, port]);
  });

  it('an RTMP input: the service makes the key; publish URL masked for a viewer; an admin rotates it and the change is recorded', async () => {
    const made = await create({ name: 'obs', input: { type: 'rtmp' } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    const input = made.body.input;
    assert.equal(input.type, 'rtmp');
    const key = input.type === 'rtmp' ? input.stream_key : '';
    assert.match(key, /^live_[A-Za-z0-9_-]{32}$/);
    assert.equal(input.publish_url, `rtmp://distributor.test:19350/live/${key}`);
    const masked = (await get(made.body.id, viewer)).body.input;
    assert.deepEqual([masked.type === 'rtmp' && masked.stream_key, masked.publish_url], ['****', 'rtmp://distributor.test:19350/live/****']);
    assert.equal((await app.request('POST', `/api/channels/${made.body.id}/input/rotate-key`, { token: operator })).status, 403);
    const rotated = await app.request<Channel>('POST', `/api/channels/${made.body.id}/input/rotate-key`, { token: admin });
    assert.equal(rotated.status, 200);
    const newKey = rotated.body.input.type === 'rtmp' ? rotated.body.input.stream_key : '';
    assert.notEqual(newKey, key);
    const events = await app.request<EventPage>('GET', `/api/events?channel_id=${made.body.id}`, { token: admin });
    assert.ok(events.body.events.some((e) => /RTMP stream key rotated by admin/.test(e.message)), JSON.stringify(events.body.events.map((e) => e.message)));
    assert.doesNotMatch(JSON.stringify(events.body), new RegExp(newKey));
    const srtChannel = await create({ name: 'not rtmp', input: { type: 'srt', mode: 'caller', host: '127.0.0.9', port: 9100 } });
    assert.equal((await app.request('POST', `/api/channels/${srtChannel.body.id}/input/rotate-key`, { token: admin })).status, 409);
  });

  it('a file input names a library file, which then cannot be deleted; an unknown media id is a 400', async () => {
    const unknown = await create({ name: 'file missing', input: { type: 'file', media_id: '00000000-0000-4000-8000-000000000000' } });
    assert.deepEqual([unknown.status, unknown.body.errors?.[0]?.field], [400, 'input.media_id']);
    const ts = await makeTs(mkdtempSync(join(tmpdir(), 'mld-it-inputs-')), 'loop-me');
    const uploaded = await uploadForm<MediaResponse>(app.url, admin, ts, { name: 'loop me' });
    assert.equal(uploaded.status, 201, JSON.stringify(uploaded.body));
    const made = await create({ name: 'file in', input: { type: 'file', media_id: uploaded.body.id } });
    assert.equal(made.status, 201, JSON.stringify(made.body));
    assert.deepEqual(made.body.input, { type: 'file', media_id: uploaded.body.id, loop: true });
    const refused = await app.request<ErrorResponse>('DELETE', `/api/media/${uploaded.body.id}`, { token: admin });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /file in/);
  });

  it('changing an input records before → after and who; flat fields move an SRT channel back to RTP; existing secrets are kept when not repeated', async () => {
    const port = await freeUdpPort();
    const made = await create({ name: 'switcher', bind_ip: '127.0.0.1', port });
    const srtPort = await freeUdpPort();
    const toSrt = await app.request<Channel>('PATCH', `/api/channels/${made.body.id}`, { token: admin, body: { input: { type: 'srt', port: srtPort, passphrase: 'correct-horse-77' } } });
    assert.equal(toSrt.status, 200, JSON.stringify(toSrt.body));
    const relatency = await app.request<Channel>('PATCH', `/api/channels/${made.body.id}`, { token: admin, body: { input: { type: 'srt', port: srtPort, latency: 400 } } });
    assert.deepEqual(relatency.body.input.type === 'srt' && [relatency.body.input.latency, relatency.body.input.passphrase], [400, 'correct-horse-77']);
    const back = await app.request<Channel>('PATCH', `/api/channels/${made.body.id}`, { token: admin, body: { bind_ip: '127.0.0.1', port } });
    assert.deepEqual([back.status, back.body.input_type, back.body.rtp_port], [200, 'rtp', port]);
    const events = await app.request<EventPage>('GET', `/api/events?channel_id=${made.body.id}&type=config.changed`, { token: admin });
    const messages = events.body.events.map((e) => e.message);
    assert.ok(messages.includes(`channel "switcher" input changed (rtp 127.0.0.1:${port} → srt listener 0.0.0.0:${srtPort}, latency 200 ms, encrypted) by admin`), JSON.stringify(messages));
    assert.ok(messages.some((m) => m.includes(`→ rtp 127.0.0.1:${port}) by admin`)), JSON.stringify(messages));
    assert.doesNotMatch(JSON.stringify(events.body), /correct-horse-77/);
  });
});
