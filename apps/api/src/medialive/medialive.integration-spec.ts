// The MediaLive module on the real app (embedded PostgreSQL), with the real AWS SDK talking to a
// wire-level fake through AWS_ENDPOINT_URL_MEDIALIVE. Credentials come from the standard chain's
// environment step only; instance metadata is disabled and no profile file exists.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChannelWithOutputsResponse, EventPage, MediaLiveChannelResponse, MediaLiveFixResponse, MediaLiveInputResponse, MediaLivePreflightResponse, MediaLiveProgress, MediaLiveStatus, ServerToClientEvents } from '@mld/contracts';
import { io, type Socket } from 'socket.io-client';
import { freeUdpPort, startTestApp, tokenForRole, type TestApp } from '../testing/test-app.js';
import { FakeMediaLive } from './testing/fake-medialive.js';
import { wireChannel } from './testing/wire-fixtures.js';
import type { LinkResult } from './medialive-wiring.service.js';

Object.assign(process.env, {
  AWS_EC2_METADATA_DISABLED: 'true',
  AWS_ACCESS_KEY_ID: 'AKIAFAKEFORTESTS0001',
  AWS_SECRET_ACCESS_KEY: 'fake-secret-key-for-tests-only-000000000',
  AWS_CONFIG_FILE: '/nonexistent/aws-config',
  AWS_SHARED_CREDENTIALS_FILE: '/nonexistent/aws-credentials',
});
delete process.env['AWS_PROFILE'];
delete process.env['AWS_SESSION_TOKEN'];

const until = async (what: string, check: () => boolean, ms = 10_000) => {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
};

describe('MediaLive module disabled', () => {
  it('without AWS_REGION: status explains how to enable it, other routes 409 MODULE_DISABLED, and the fake sees no request', async () => {
    const fake = new FakeMediaLive();
    const endpoint = await fake.start();
    const app = await startTestApp({ AWS_ENDPOINT_URL_MEDIALIVE: endpoint });
    try {
      const token = await app.login();
      const status = await app.request<MediaLiveStatus>('GET', '/api/medialive/status', { token });
      assert.equal(status.status, 200);
      assert.equal(status.body.enabled, false);
      assert.match(status.body.reason!, /AWS_REGION is not set.*docs\/medialive\.md/);
      const list = await app.request<{ message: string }>('GET', '/api/medialive/channels', { token });
      assert.equal(list.status, 409);
      assert.match(list.body.message, /MediaLive module disabled: AWS_REGION/);
      const bad = await app.request<{ message: string; errors: { field: string }[] }>('GET', '/api/medialive/channels/12%0034/fix', { token });
      assert.equal(bad.status, 400, 'a MediaLive id that is not one is refused before anything else');
      assert.equal(bad.body.errors[0]?.field, 'id');
      assert.equal((await app.request('GET', '/api/health')).status, 200, 'the rest of the service is unaffected');
      assert.equal(fake.requests.length, 0);
    } finally {
      await app.close();
      await fake.stop();
    }
  });
});

describe('MediaLive module against the fake', () => {
  const fake = new FakeMediaLive({ pageSize: 1, startMs: 400, stopMs: 300 });
  let app: TestApp;
  let admin: string;
  let viewer: string;
  let operator: string;
  let port: number;
  let socket: Socket<ServerToClientEvents>;
  const progress: MediaLiveProgress[] = [];
  let linkedChannelId = '';

  before(async () => {
    port = await freeUdpPort();
    fake.add(wireChannel({ id: '1111111', name: 'news', urls: [`rtp://127.0.0.1:${port}`, `rtp://127.0.0.1:${port + 10}`], scte35Control: 'PASSTHROUGH' }));
    fake.add(wireChannel({ id: '2222222', name: 'sports', urls: [`rtp://127.0.0.1:${port + 20}`, `rtp://127.0.0.1:${port + 30}`], scte35Control: 'NONE' }));
    const endpoint = await fake.start();
    app = await startTestApp({ AWS_REGION: 'eu-west-1', AWS_ENDPOINT_URL_MEDIALIVE: endpoint, MEDIALIVE_CACHE_MS: '500', MEDIALIVE_POLL_INTERVAL_MS: '100' });
    admin = await app.login();
    viewer = await tokenForRole(app, admin, 'viewer');
    operator = await tokenForRole(app, admin, 'operator');
    socket = io(app.url, { auth: { token: operator }, transports: ['websocket'], reconnection: false, timeout: 10_000 });
    socket.on('medialive.progress', (p) => progress.push(p));
    await new Promise<void>((resolve, reject) => {
      socket.on('snapshot', () => resolve());
      socket.on('connect_error', reject);
    });
  });

  after(async () => {
    socket?.close();
    await app?.close();
    await fake.stop();
  });

  it('is enabled with a region and credentials from the standard chain', async () => {
    const status = await app.request<MediaLiveStatus>('GET', '/api/medialive/status', { token: viewer });
    assert.deepEqual({ enabled: status.body.enabled, region: status.body.region }, { enabled: true, region: 'eu-west-1' });
  });

  it('lists every channel over nextToken pages, with SigV4-signed requests, and caches the list briefly', async () => {
    const before = fake.requests.length;
    const list = await app.request<MediaLiveChannelResponse[]>('GET', '/api/medialive/channels', { token: viewer });
    assert.equal(list.status, 200);
    assert.deepEqual(list.body.map((c) => [c.id, c.name, c.state, c.channel_class]), [
      ['1111111', 'news', 'IDLE', 'STANDARD'],
      ['2222222', 'sports', 'IDLE', 'STANDARD'],
    ]);
    assert.deepEqual(list.body[0]!.udp_destinations[0]!.urls, [`rtp://127.0.0.1:${port}`, `rtp://127.0.0.1:${port + 10}`]);
    const calls = fake.requests.slice(before);
    assert.deepEqual(calls.map((r) => r.path), ['/prod/channels', '/prod/channels']);
    for (const call of calls) assert.match(call.authorization, /^AWS4-HMAC-SHA256 Credential=AKIAFAKEFORTESTS0001\/\d{8}\/eu-west-1\/medialive\/aws4_request/);
    await app.request('GET', '/api/medialive/channels', { token: viewer });
    assert.equal(fake.requests.length, before + 2, 'the second list within the cache time made no AWS call');
  });

  it('inspects a channel: SCTE-35 control, PID and destinations per pipeline; unknown id 404', async () => {
    const sports = await app.request<MediaLiveChannelResponse>('GET', '/api/medialive/channels/2222222', { token: viewer });
    assert.equal(sports.status, 200);
    assert.deepEqual(sports.body.udp_destinations.map((d) => [d.output_group, d.output, d.scte35_control, d.scte35_pid]), [['to-distributor', 'mpegts', 'NONE', 500]]);
    assert.equal(JSON.stringify(sports.body).includes('hls-secret'), false, 'other destinations (and their password parameters) are not shown');
    const missing = await app.request<{ message: string }>('GET', '/api/medialive/channels/9999999', { token: viewer });
    assert.equal(missing.status, 404);
    assert.match(missing.body.message, /NotFoundException/);
  });

  it('preflight flags SCTE-35 removed with the exact setting to change', async () => {
    const result = await app.request<MediaLivePreflightResponse>('GET', '/api/medialive/channels/2222222/preflight', { token: viewer });
    assert.equal(result.status, 200);
    assert.equal(result.body.status, 'fail');
    const scte = result.body.results.find((r) => r.check === 'scte35');
    assert.equal(scte?.status, 'fail');
    assert.equal(scte?.expected, 'PASSTHROUGH');
    assert.match(scte!.setting!, /M2tsSettings\.Scte35Control/);
  });

  it('roles: viewers read, operators start/stop, admins link/fix/create inputs (every route)', async () => {
    const routes: Array<[string, string, 'viewer' | 'operator' | 'admin']> = [
      ['GET', '/api/medialive/status', 'viewer'],
      ['GET', '/api/medialive/channels', 'viewer'],
      ['GET', '/api/medialive/channels/x', 'viewer'],
      ['GET', '/api/medialive/channels/x/preflight', 'viewer'],
      ['GET', '/api/medialive/channels/x/alerts', 'viewer'],
      ['POST', '/api/medialive/channels/x/start', 'operator'],
      ['POST', '/api/medialive/channels/x/stop', 'operator'],
      ['POST', '/api/medialive/channels/x/link', 'admin'],
      ['DELETE', '/api/medialive/channels/x/link', 'admin'],
      ['GET', '/api/medialive/channels/x/fix', 'admin'],
      ['POST', '/api/medialive/channels/x/fix', 'admin'],
      ['POST', '/api/medialive/inputs', 'admin'],
    ];
    const rank = { viewer: 0, operator: 1, admin: 2 };
    const tokens = { viewer, operator, admin };
    for (const [method, path, least] of routes) {
      const body = method === 'GET' ? undefined : {};
      assert.equal((await app.request(method, path, { body })).status, 401, `${method} ${path} without a token`);
      for (const role of ['viewer', 'operator', 'admin'] as const) {
        const status = (await app.request(method, path, { token: tokens[role], body })).status;
        if (rank[role] < rank[least]) assert.equal(status, 403, `${role} ${method} ${path}`);
        else assert.ok(status !== 403 && status !== 401 && status < 500, `${role} ${method} ${path}: ${status}`);
      }
    }
  });

  it('throttling: retried with backoff by the SDK; when it persists, a 429 that says so (never a 500)', async () => {
    await new Promise((r) => setTimeout(r, 600)); // past the cache
    fake.throttle(2);
    const retried = await app.request('GET', '/api/medialive/channels/1111111', { token: viewer });
    assert.equal(retried.status, 200, 'two throttled answers are absorbed by retries');
    await new Promise((r) => setTimeout(r, 600));
    fake.throttle(100);
    const throttled = await app.request<{ message: string; code: string }>('GET', '/api/medialive/channels/1111111', { token: viewer });
    fake.throttle(0);
    assert.equal(throttled.status, 429);
    assert.equal(throttled.body.code, 'RATE_LIMITED');
    assert.match(throttled.body.message, /MediaLive is throttling requests/);
    const status = await app.request<MediaLiveStatus>('GET', '/api/medialive/status', { token: viewer });
    assert.ok(status.body.last_throttled_at, 'the status shows the last throttling');
  });

  it('link creates our channel with pipeline 0 as its input and pipeline 1 as its backup input', async () => {
    const linked = await app.request<LinkResult>('POST', '/api/medialive/channels/1111111/link', { token: admin, body: {} });
    assert.equal(linked.status, 200, JSON.stringify(linked.body));
    assert.deepEqual(linked.body.channel, { id: linked.body.channel.id, name: 'medialive news', input_type: 'rtp', bind_ip: '127.0.0.1', port, created: true });
    assert.equal(linked.body.link.pipeline1_url, `rtp://127.0.0.1:${port + 10}`);
    assert.match(linked.body.note, /pipeline 1 to the backup input/);
    linkedChannelId = linked.body.channel.id;
    const ours = await app.request<ChannelWithOutputsResponse>('GET', `/api/channels/${linkedChannelId}`, { token: viewer });
    assert.deepEqual([ours.body.input_type, ours.body.bind_ip, ours.body.port], ['rtp', '127.0.0.1', port]);
    assert.deepEqual(ours.body.backup_input, { type: 'rtp', bind_ip: '127.0.0.1', port: port + 10, source_ip: null, interface_ip: null });
    assert.equal(ours.body.failover?.mode, 'failover');
    const shown = await app.request<MediaLiveChannelResponse>('GET', '/api/medialive/channels/1111111', { token: viewer });
    assert.equal(shown.body.link?.channel_id, linkedChannelId);
    assert.equal(shown.body.link?.channel_name, 'medialive news');
    const preflight = await app.request<MediaLivePreflightResponse>('GET', '/api/medialive/channels/1111111/preflight', { token: viewer });
    assert.equal(preflight.body.results.find((r) => r.check === 'pipeline0.destination.port')?.status, 'pass');
    assert.equal(preflight.body.results.find((r) => r.check === 'pipeline1.destination.port')?.status, 'pass');
  });

  it('start returns at once and pushes progress in order until RUNNING; the event log has the transitions', async () => {
    progress.length = 0;
    const started = await app.request<{ state: string; preflight?: MediaLivePreflightResponse }>('POST', '/api/medialive/channels/1111111/start', { token: operator, body: { with_channel: true } });
    assert.equal(started.status, 202);
    assert.equal(started.body.state, 'STARTING');
    assert.ok(started.body.preflight, 'a linked channel is preflighted at start');
    const ours = await app.request<ChannelWithOutputsResponse>('GET', `/api/channels/${linkedChannelId}`, { token: viewer });
    assert.equal(ours.body.desired_state, 'running', 'with_channel starts our linked channel too');
    await until('start to finish', () => progress.some((p) => p.done));
    assert.deepEqual(progress.map((p) => [p.action, p.state, p.done]), [
      ['start', 'STARTING', false],
      ['start', 'RUNNING', false],
      ['start', 'RUNNING', true],
    ]);
    assert.ok(progress[2]!.elapsed_ms >= 300, `elapsed ${progress[2]!.elapsed_ms} ms`);
    const logged = async () => (await app.request<EventPage>('GET', '/api/events?type=medialive.state_changed', { token: viewer })).body.events;
    let events = await logged();
    for (let i = 0; i < 40 && !events.some((e) => e.message.includes('STARTING → RUNNING')); i++) {
      await new Promise((r) => setTimeout(r, 50));
      events = await logged();
    }
    assert.ok(events.some((e) => e.message.includes('STARTING → RUNNING') && e.channel_id === linkedChannelId), JSON.stringify(events.map((e) => e.message)));
  });

  it('preflight flags a wrong port; fix shows the diff, refuses while running (409), applies once stopped', async () => {
    const news = fake.channels.get('1111111')! as { destinations: Array<{ settings: Array<{ url: string }> }> };
    news.destinations[0]!.settings[0]!.url = `rtp://127.0.0.1:${port + 1}`;
    await new Promise((r) => setTimeout(r, 600));
    const preflight = await app.request<MediaLivePreflightResponse>('GET', '/api/medialive/channels/1111111/preflight', { token: viewer });
    const wrong = preflight.body.results.find((r) => r.check === 'pipeline0.destination.port');
    assert.equal(wrong?.status, 'fail');
    assert.equal(wrong?.expected, `rtp://127.0.0.1:${port}`);
    assert.match(wrong!.setting!, /^Destinations\["udp-dest"\]\.Settings\[0\]\.Url/);

    const diff = await app.request<MediaLiveFixResponse>('GET', '/api/medialive/channels/1111111/fix', { token: admin });
    assert.deepEqual(diff.body.changes.map((c) => [c.from, c.to]), [[`rtp://127.0.0.1:${port + 1}`, `rtp://127.0.0.1:${port}`]]);
    const refused = await app.request<{ message: string }>('POST', '/api/medialive/channels/1111111/fix', { token: admin });
    assert.equal(refused.status, 409);
    assert.match(refused.body.message, /is RUNNING: MediaLive edits only stopped channels/);
    assert.equal(fake.requests.filter((r) => r.method === 'PUT').length, 0);

    progress.length = 0;
    const stopped = await app.request<{ state: string }>('POST', '/api/medialive/channels/1111111/stop', { token: operator });
    assert.equal(stopped.status, 202);
    assert.equal(stopped.body.state, 'STOPPING');
    await until('stop to finish', () => progress.some((p) => p.done));
    assert.deepEqual(progress.map((p) => [p.action, p.state, p.done]), [
      ['stop', 'STOPPING', false],
      ['stop', 'IDLE', false],
      ['stop', 'IDLE', true],
    ]);

    const fixed = await app.request<MediaLiveFixResponse>('POST', '/api/medialive/channels/1111111/fix', { token: admin });
    assert.equal(fixed.status, 200, JSON.stringify(fixed.body));
    assert.equal(fixed.body.applied, true);
    const put = fake.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.path, '/prod/channels/1111111');
    assert.equal(fake.channels.get('1111111')!['destinations'] !== undefined, true);
    assert.equal((fake.channels.get('1111111') as typeof news).destinations[0]!.settings[0]!.url, `rtp://127.0.0.1:${port}`);
    assert.equal((fake.channels.get('1111111') as typeof news).destinations[0]!.settings[1]!.url, `rtp://127.0.0.1:${port + 10}`, 'pipeline 1 untouched');
    const after = await app.request<MediaLivePreflightResponse>('GET', '/api/medialive/channels/1111111/preflight', { token: viewer });
    assert.equal(after.body.results.find((r) => r.check === 'pipeline0.destination.port')?.status, 'pass');
  });

  it('a failed start ends with AWS\'s reason from the channel alerts', async () => {
    fake.failStart.set('2222222', 'Unable to open output rtp://127.0.0.1: network unreachable');
    progress.length = 0;
    assert.equal((await app.request('POST', '/api/medialive/channels/2222222/start', { token: operator })).status, 202);
    await until('failed start', () => progress.some((p) => p.done));
    const last = progress.at(-1)!;
    assert.equal(last.state, 'IDLE');
    assert.match(last.error ?? '', /start failed \(IDLE\): Failed to Create Output: Unable to open output/);
    let alertLogged = false;
    for (let i = 0; i < 40 && !alertLogged; i++) {
      const events = await app.request<EventPage>('GET', '/api/events?type=medialive.alert', { token: viewer });
      alertLogged = events.body.events.some((e) => e.message.includes('Unable to open output'));
      if (!alertLogged) await new Promise((r) => setTimeout(r, 50));
    }
    assert.ok(alertLogged, 'the alert is in the event log');
  });

  it('creates inputs: RTP_PUSH with a security group from CIDRs, SRT_CALLER; bad fields are 400s naming them', async () => {
    const rtp = await app.request<MediaLiveInputResponse>('POST', '/api/medialive/inputs', { token: admin, body: { name: 'studio-a', type: 'RTP_PUSH', cidrs: ['203.0.113.0/24'] } });
    assert.equal(rtp.status, 201, JSON.stringify(rtp.body));
    assert.deepEqual(rtp.body.endpoints, ['rtp://203.0.113.10:5000', 'rtp://203.0.113.11:5000']);
    assert.equal(rtp.body.security_group_ids.length, 1);
    assert.deepEqual(fake.securityGroups.at(-1)!['whitelistRules'], [{ cidr: '203.0.113.0/24' }]);
    const srt = await app.request<MediaLiveInputResponse>('POST', '/api/medialive/inputs', { token: admin, body: { name: 'remote', type: 'SRT_CALLER', srt_listener_address: '198.51.100.7', srt_listener_port: 9000 } });
    assert.equal(srt.status, 201, JSON.stringify(srt.body));
    assert.deepEqual(srt.body.endpoints, ['srt://198.51.100.7:9000']);
    const rtmp = await app.request<{ errors: Array<{ field: string }> }>('POST', '/api/medialive/inputs', { token: admin, body: { name: 'enc', type: 'RTMP_PUSH', cidrs: ['203.0.113.0/24'] } });
    assert.equal(rtmp.status, 400);
    assert.ok(rtmp.body.errors.some((e) => e.field === 'stream_names'));
    const badCidr = await app.request('POST', '/api/medialive/inputs', { token: admin, body: { name: 'enc', type: 'RTP_PUSH', cidrs: ['10.0.0.0/33'] } });
    assert.equal(badCidr.status, 400);
    // MediaLive's own 422 (no security group for a push input) becomes a 400 naming its element.
    const refused = await app.request<{ errors: Array<{ field: string; message: string }> }>('POST', '/api/medialive/inputs', { token: admin, body: { name: 'enc', type: 'RTP_PUSH', cidrs: [] } });
    assert.equal(refused.status, 400);
    assert.deepEqual(refused.body.errors, [{ field: 'inputSecurityGroups', message: 'required for push inputs' }]);
  });
});
