import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PTS_MODULO, readPesTimestamps, TS_PACKET_SIZE, tsPayloadOffset, tsPid, tsPusi } from '@mld/mpegts';
import { Distributor } from './support/distributor.js';
import { freeUdpPort, makeTestFeed, startRtmpServer, startTsSender, stopAllTracked, type RtmpServer, type TestFeed } from './support/media/index.js';
import { readAmf0, readFlvFile, readRtmpClientStream, startTcpTap, videoFrame, type Amf0, type FlvTagRecord, type TcpTap } from './support/media/flv-reader.js';
import { killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'rtmp-cues-admin-password';

/** PTS of the feed's first video PES (its first frame, an IDR: FFmpeg's copy starts there). */
function firstVideoPts(ts: Buffer, videoPid: number): number {
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    if (tsPid(ts, off) !== videoPid || !tsPusi(ts, off)) continue;
    const { pts } = readPesTimestamps(ts, tsPayloadOffset(ts, off), off + TS_PACKET_SIZE);
    if (pts >= 0) return pts;
  }
  throw new Error('no video PTS in the feed');
}

/** PTS of every video frame of the feed, in decode order. */
function videoPtsList(ts: Buffer, videoPid: number): number[] {
  const list: number[] = [];
  for (let off = 0; off + TS_PACKET_SIZE <= ts.length; off += TS_PACKET_SIZE) {
    if (tsPid(ts, off) !== videoPid || !tsPusi(ts, off)) continue;
    const { pts } = readPesTimestamps(ts, tsPayloadOffset(ts, off), off + TS_PACKET_SIZE);
    if (pts >= 0) list.push(pts);
  }
  return list;
}

const fingerprint = (tags: FlvTagRecord[], type: number) => tags.filter((t) => t.type === type).map((t) => createHash('sha1').update(t.data).digest('hex').slice(0, 12));

/**
 * SCTE-35 → RTMP cue points (ADR 0015) against a real nginx-rtmp. nginx-rtmp 1.2 records and relays
 * only audio/video, so the cues are read from the bytes the service sent it (a TCP tap in front of nginx),
 * and nginx's recordings show that audio and video are the same as an output without markers.
 */
describe('RTMP outputs with ad markers (nginx-rtmp)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-rtmp-cues-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: TestFeed;
  let rtmp: RtmpServer;
  const taps: TcpTap[] = [];

  before(async () => {
    // Cues every 4 s, each for a splice 4 s later: splice_insert and time_signal alternate, 30 s breaks.
    feed = await makeTestFeed({ seconds: 20, cueIntervalSeconds: 4 });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
    rtmp = await startRtmpServer({ record: 'unique' });
  });

  after(async () => {
    for (const tap of taps) await tap.close().catch(() => undefined);
    await rtmp?.stop().catch(() => undefined);
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('every cue of the feed reaches nginx as onCuePoint at its splice time (youtube and on_cue_point_scte35); audio and video unchanged', async (t) => {
    const inPort = await freeUdpPort();
    const stamp = Date.now();
    const keys = { youtube: `cues-yt-${stamp}`, on_cue_point_scte35: `cues-ml-${stamp}`, none: `cues-none-${stamp}` };
    const channel = await mld.createChannel({ name: 'rtmp cues', rtp_ip: '127.0.0.1', rtp_port: inPort });
    const tapOf: Record<string, TcpTap> = {};
    const outputs: string[] = [];
    for (const markers of ['youtube', 'on_cue_point_scte35'] as const) {
      const tap = await startTcpTap(rtmp.port);
      taps.push(tap);
      tapOf[markers] = tap;
      const out = await mld.addOutput(channel.id, { protocol: 'rtmp', url: `rtmp://127.0.0.1:${tap.port}/live/${keys[markers]}`, name: markers, options: { ad_markers: markers } });
      assert.equal(out.options['ad_markers'], markers);
      outputs.push(out.id);
    }
    outputs.push((await mld.addOutput(channel.id, { protocol: 'rtmp', url: rtmp.url('live', keys.none), name: 'none' })).id);
    const bad = await mld.post(`/api/channels/${channel.id}/outputs`, { protocol: 'rtmp', url: rtmp.url('live', 'x'), name: 'bad', options: { ad_markers: 'scte35' } });
    assert.equal(bad.status, 400);
    assert.match(JSON.stringify(bad.body), /option \\"ad_markers\\" must be none, on_cue_point_scte35, youtube/);

    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
    const sender = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp' });
    try {
      for (const id of outputs) await mld.waitOutput(channel.id, id, 'running with media', (r) => r.state === 'running' && r.bytes_out > 100_000, 20_000);
      await sender.done;
      // Let the last frames through FFmpeg and the sockets before stopping.
      await new Promise((r) => setTimeout(r, 3000));
    } finally {
      await sender.stop();
      assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
    }

    const videoPid = feed.manifest.pcrPid;
    const firstPts = firstVideoPts(feed.ts, videoPid);
    const feedPts = videoPtsList(feed.ts, videoPid);
    const lastPts = Math.max(...feedPts);
    // Only splices inside the stream can be signalled: a splice after the last frame has no place in it.
    const due = feed.cues.filter((c) => ((c.ptsTime - firstPts + PTS_MODULO) % PTS_MODULO) <= ((lastPts - firstPts + PTS_MODULO) % PTS_MODULO) - 90_000);
    assert.ok(due.length >= 3, `fixture cues inside the stream: ${due.length} of ${feed.cues.length}`);

    const recorded: Record<string, FlvTagRecord[]> = {};
    for (const [markers, key] of Object.entries(keys)) {
      const file = await waitFor(`recording of ${markers}`, () => rtmp.recordings().find((f) => f.includes(key)), 10_000);
      recorded[markers] = readFlvFile(readFileSync(file));
    }
    for (const markers of ['youtube', 'on_cue_point_scte35'] as const) {
      const sessions = tapOf[markers]!.sessions();
      assert.equal(sessions.length, 1, `${markers}: one RTMP session`);
      const sent = readRtmpClientStream(sessions[0]!);
      const frames = sent.map((t) => ({ t, f: videoFrame(t) })).filter((x) => x.f);
      const firstKey = frames.find((x) => x.f!.keyframe)!;
      const sortedPts = frames.map((x) => x.f!.ptsMs).sort((a, b) => a - b);
      const frameMs = (sortedPts.at(-1)! - sortedPts[0]!) / (sortedPts.length - 1);
      // The FLV frames are the feed's frames on the mapping the cues use: each sent frame is a frame of the feed.
      const mapped = new Set(feedPts.map((p) => Math.round(firstKey.f!.ptsMs + ((p - firstPts + PTS_MODULO) % PTS_MODULO) / 90)));
      const strays = sortedPts.filter((p) => !mapped.has(p) && !mapped.has(p - 1) && !mapped.has(p + 1));
      assert.deepEqual(strays, [], `${markers}: frames sent that are no frame of the feed on this mapping`);
      assert.equal(frames[0], firstKey, 'the first frame sent is the first keyframe');
      const cues = sent.filter((t) => t.type === 18).map((t) => ({ t, v: readAmf0(t.data) })).filter((x) => x.v[0] === 'onCuePoint');
      assert.equal(cues.length, due.length, `${markers}: ${cues.length} cue points for ${due.length} cues (${JSON.stringify(cues.map((c) => c.v[1]))})`);
      const deviations: number[] = [];
      for (const [i, cue] of due.entries()) {
        const got = cues[i]!;
        const body = got.v[1] as Record<string, Amf0>;
        const expectedMs = firstKey.f!.ptsMs + ((cue.ptsTime - firstPts + PTS_MODULO) % PTS_MODULO) / 90;
        deviations.push(got.t.timestamp - expectedMs);
        assert.ok(Math.abs(got.t.timestamp - expectedMs) <= frameMs, `${markers} cue ${cue.eventId}: at ${got.t.timestamp} ms, splice at ${expectedMs} ms (frame ${frameMs} ms)`);
        // There is a frame presented at that time (the splice point exists in the FLV).
        assert.ok(frames.some((x) => Math.abs(x.f!.ptsMs - got.t.timestamp) < frameMs / 2), `a video frame at ${got.t.timestamp} ms`);
        if (markers === 'youtube') {
          assert.deepEqual({ ...(body as object) }, { type: 'com.youtube.cuepoint', version: '0.1', pre_roll_time_sec: 0, cue_point_start: true, break_duration_sec: 30, splice_event_id: cue.eventId });
        } else {
          assert.equal(body['name'], 'scte35');
          assert.equal(body['type'], 'event');
          assert.ok(Math.abs((body['time'] as number) * 1000 - got.t.timestamp) < 1);
          const params = body['parameters'] as Record<string, string>;
          assert.equal(params['id'], String(cue.eventId));
          assert.equal(params['duration'], '30');
          assert.equal(params['splice_command_type'], cue.kind);
          assert.equal(params['cue'], cue.section.toString('base64'), 'the section as the feed carried it');
        }
      }
      t.diagnostic(`${markers}: ${cues.length} cue points for ${due.length} due of ${feed.cues.length}; cue − splice (ms): ${deviations.map((d) => d.toFixed(1)).join(', ')}; frame ${frameMs.toFixed(2)} ms; ${frames.length} of ${feedPts.length} frames sent`);
      // In timestamp order with the media around it.
      const media = sent.filter((t) => t.type === 8 || t.type === 9 || t.type === 18);
      for (let i = 1; i < media.length; i++) if (media[i]!.type === 18) assert.ok(media[i]!.timestamp >= media[i - 1]!.timestamp, 'a cue point behind the media');

      // nginx's recording: the same video and audio frames as the output without markers.
      const rec = recorded[markers]!;
      assert.deepEqual(fingerprint(rec, 9), fingerprint(recorded['none']!, 9), `${markers}: video frames differ from the output without markers`);
      assert.deepEqual(fingerprint(rec, 8), fingerprint(recorded['none']!, 8), `${markers}: audio frames differ`);
      assert.ok(fingerprint(rec, 9).length > 20 * 20, `recorded video frames: ${fingerprint(rec, 9).length}`);
    }
  });
});
