import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelStatus, ClientToServerEvents, EventRecord, ServerToClientEvents, StatusSnapshot } from '@mld/contracts';
import { io, type Socket } from 'socket.io-client';
import { Distributor } from './support/distributor.js';
import { freeUdpPort, makeTestFeed, startSrtReceiver, startTsSender, startUdpReceiver, stopAllTracked, type TestFeed } from './support/media/index.js';
import { api, killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'monitoring-admin-password';

describe('live monitoring: Socket.IO, event log, Prometheus', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-mon-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: TestFeed;
  const sockets: Socket[] = [];

  before(async () => {
    feed = await makeTestFeed({ seconds: 12, cueIntervalSeconds: 2 });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
  });

  after(async () => {
    sockets.forEach((s) => s.close());
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  function connect(token: string): Socket<ServerToClientEvents, ClientToServerEvents> {
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(service.url, { auth: { token }, transports: ['websocket'], reconnection: false, timeout: 10_000 });
    sockets.push(socket);
    return socket;
  }

  it('refuses a socket without a valid token', async () => {
    const socket = connect('not-a-token');
    const error = await new Promise<Error>((resolve) => socket.on('connect_error', resolve));
    assert.match(error.message, /invalid/);
    assert.equal(socket.connected, false);
  });

  it('pushes live status and events; RTP loss shows within 2 s; a stalled output is detected, restarted and reported in order', async () => {
    const inPort = await freeUdpPort();
    const srtRx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort() });
    const udpRx = await startUdpReceiver({ mode: 'udp' });
    const viewerToken = await (async () => {
      await api(mld.url, 'POST', '/api/users', mld.token, { username: 'watcher', password: 'watcher-password', role: 'viewer' });
      return login(mld.url, 'watcher', 'watcher-password');
    })();
    try {
      const channel = await mld.createChannel({ name: 'monitored', rtp_ip: '127.0.0.1', rtp_port: inPort });
      const srt = await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${srtRx.port}?latency=120`, name: 'cdn' });
      await mld.addOutput(channel.id, { protocol: 'udp', url: `udp://127.0.0.1:${udpRx.port}`, name: 'archive' });

      const socket = connect(viewerToken);
      const statuses: Array<{ at: number; status: ChannelStatus }> = [];
      const events: EventRecord[] = [];
      socket.on('channel.status', (status) => statuses.push({ at: Date.now(), status }));
      socket.on('event', (event) => events.push(event));
      const snapshot = await new Promise<StatusSnapshot>((resolve) => socket.on('snapshot', resolve));
      assert.ok(snapshot.channels.some((c) => c.channel_id === channel.id));
      const ack = await new Promise<{ ok: boolean }>((resolve) => socket.emit('subscribe', { channel_id: channel.id }, resolve));
      assert.equal(ack.ok, true);
      const bad = await new Promise<{ ok: boolean; error?: string }>((resolve) => socket.emit('subscribe', { channel_id: "1'; drop" }, resolve));
      assert.equal(bad.ok, false);

      await mld.post(`/api/channels/${channel.id}/start`);
      const up = await mld.waitOutput(channel.id, srt.id, 'connected', (r) => r.connected === true);

      // 30 datagrams dropped about 5 s into the feed.
      const rate = feed.bitrate / (1316 * 8);
      const firstDropped = Math.round(5 * rate);
      const dropped = new Set(Array.from({ length: 30 }, (_, i) => firstDropped + i));
      const startedAt = Date.now();
      const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp', dropSequences: dropped, loop: true, durationMs: 30_000 });
      const dropAt = startedAt + (firstDropped / rate) * 1000;
      const sawLoss = await waitFor('RTP loss in a pushed status', () => statuses.find((s) => s.status.channel_id === channel.id && (s.status.runtime?.rtp.lost ?? 0) >= 30), 15_000, 50);
      assert.ok(sawLoss.at - dropAt <= 2000 + 500, `loss reported ${sawLoss.at - dropAt} ms after the drop`);
      const sawCc = await waitFor('CC errors in a pushed status', () => statuses.find((s) => s.status.channel_id === channel.id && (s.status.runtime?.analysis?.tr101290.cc_error.count ?? 0) > 0), 15_000, 50);
      assert.ok(sawCc.at - dropAt <= 2000 + 500, `CC errors reported ${sawCc.at - dropAt} ms after the drop`);
      assert.ok(statuses.some((s) => s.status.channel_id === channel.id && s.status.runtime?.state === 'degraded'), 'input shown degraded after the loss');

      // SCTE-35 cues, decoded, over the socket and REST.
      const cueEvents = await waitFor('SCTE-35 cue events', () => {
        const cues = events.filter((e) => e.type === 'channel.scte35_cue' && e.channel_id === channel.id);
        return cues.length >= 3 ? cues : undefined;
      }, 15_000, 100);
      const sentIds = new Set(feed.cues.map((c) => c.eventId));
      for (const e of cueEvents) {
        const d = e.details as { crc_valid: boolean; pid: number; command_type: string; splice_insert?: { event_id: number }; segmentation?: Array<{ event_id: number; type_name: string }> };
        assert.equal(d.crc_valid, true);
        assert.equal(d.pid, 0x1f6);
        const id = d.splice_insert?.event_id ?? d.segmentation?.[0]?.event_id;
        assert.ok(id !== undefined && sentIds.has(id), `cue event id ${id} was sent`);
      }
      const rest = await api<{ source: string; cues: Array<{ command_type: string; splice_insert?: { out_of_network: boolean; break_duration_seconds?: number }; segmentation?: Array<{ type_name: string }> }> }>(mld.url, 'GET', `/api/channels/${channel.id}/scte35?limit=10`, viewerToken);
      assert.equal(rest.body.source, 'live');
      const kinds = new Set(rest.body.cues.map((c) => c.command_type));
      assert.ok(kinds.has('splice_insert') && kinds.has('time_signal'), `cue kinds ${[...kinds].join(', ')}`);
      const insert = rest.body.cues.find((c) => c.splice_insert)!;
      assert.equal(typeof insert.splice_insert!.out_of_network, 'boolean');
      assert.ok(rest.body.cues.some((c) => (c.segmentation ?? []).some((d) => d.type_name.length > 0)), 'segmentation descriptors named');
      const receiving = statuses.filter((s) => s.status.runtime?.state === 'receiving');
      assert.ok(receiving.length > 0 && receiving.at(-1)!.status.runtime!.bitrate_bps > 6_000_000, 'live input bitrate pushed');
      const cdn = statuses.at(-1)!.status.outputs.find((o) => o.id === srt.id)!;
      assert.equal(cdn.runtime?.state, 'running');
      assert.ok((cdn.runtime?.bitrate_bps ?? 0) > 6_000_000, 'live output bitrate pushed');
      // At most one status per second per channel.
      const mine = statuses.filter((s) => s.status.channel_id === channel.id).map((s) => s.at);
      for (let i = 1; i < mine.length; i++) assert.ok(mine[i]! - mine[i - 1]! >= 800, `two statuses ${mine[i]! - mine[i - 1]!} ms apart`);
      // Viewers get no URL on the socket at all.
      assert.ok(!JSON.stringify(statuses.at(-1)).includes('srt://'));

      // SRT link statistics from srt-live-transmit.
      const withStats = await mld.waitOutput(channel.id, srt.id, 'SRT statistics', (r) => r.srt !== null && r.srt.packets_sent > 0, 10_000);
      assert.equal(withStats.srt!.latency_ms, 120);

      // Stall: the output process stops reading (SIGSTOP) while alive.
      process.kill(up.pid!, 'SIGSTOP');
      const stalled = await waitFor('a stalled event', () => events.find((e) => e.type === 'output.stalled' && e.output_id === srt.id), 25_000, 100);
      assert.match(stalled.message, /stalled: no progress/);
      await waitFor('a recovered event', () => events.find((e) => e.type === 'output.recovered' && e.output_id === srt.id), 25_000, 100);

      // Prometheus, with a viewer API token.
      const created = await api<{ token: string }>(mld.url, 'POST', '/api/tokens', mld.token, { name: 'prometheus', role: 'viewer' });
      const scrape = await fetch(`${mld.url}/metrics`, { headers: { authorization: `Bearer ${created.body.token}` } });
      assert.equal(scrape.status, 200);
      const text = await scrape.text();
      const lost = new RegExp(`mld_channel_rtp_lost_total\\{channel_id="${channel.id}",channel="monitored"\\} (\\d+)`).exec(text);
      assert.ok(lost && Number(lost[1]) >= 30, 'RTP loss in /metrics');
      assert.match(text, new RegExp(`mld_output_restarts_total\\{[^}]*output_id="${srt.id}"[^}]*\\} [1-9]`));
      assert.match(text, new RegExp(`mld_channel_cc_errors_total\\{channel_id="${channel.id}",channel="monitored"\\} [1-9]`));
      assert.match(text, new RegExp(`mld_channel_scte35_cues_total\\{channel_id="${channel.id}",channel="monitored"\\} [1-9]`));
      assert.match(text, /mld_process_tree_rss_bytes\{command="service"\} \d+/);
      assert.doesNotMatch(text, /srt:\/\/|udp:\/\//, 'metrics must not carry destinations');
      assert.equal((await fetch(`${mld.url}/metrics`)).status, 401);

      await sender.stop();
      // The same history over REST, in order.
      const page = await api<{ events: EventRecord[] }>(mld.url, 'GET', `/api/events?channel_id=${channel.id}&limit=200`, viewerToken);
      const types: string[] = page.body.events.filter((e) => e.output_id === srt.id || e.output_id === null).map((e) => e.type).reverse();
      const order = ['output.running', 'output.stalled', 'output.recovered'].map((t) => types.indexOf(t));
      assert.ok(order.every((i) => i >= 0) && order[0]! < order[1]! && order[1]! < order[2]!, `events in order: ${types.join(', ')}`);
      assert.ok(types.includes('channel.started') && types.includes('config.changed'));
      const filtered = await api<{ events: EventRecord[]; next_cursor: string | null }>(mld.url, 'GET', `/api/events?type=output.stalled,output.recovered&limit=1`, viewerToken);
      assert.equal(filtered.body.events.length, 1);
      assert.ok(filtered.body.next_cursor);
      const next = await api<{ events: EventRecord[] }>(mld.url, 'GET', `/api/events?type=output.stalled,output.recovered&limit=1&before=${filtered.body.next_cursor}`, viewerToken);
      assert.ok(Number(next.body.events[0]!.id) < Number(filtered.body.events[0]!.id));
      assert.equal((await api(mld.url, 'GET', '/api/events?type=bogus', viewerToken)).status, 400);

      // REST parity with the socket.
      const status = await api<ChannelStatus>(mld.url, 'GET', `/api/channels/${channel.id}/status`, viewerToken);
      assert.equal(status.status, 200);
      assert.equal(status.body.outputs.length, 2);
      await mld.post(`/api/channels/${channel.id}/stop`);
    } finally {
      await Promise.all([srtRx.stop(), udpRx.stop()]);
    }
  });
});
