import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChannelRuntime, ChannelWithOutputsResponse } from '@mld/contracts';
import { PTS_MODULO, TS_PACKET_SIZE } from '@mld/mpegts';
import { timelineProblems, timelineReport } from '@mld/mpegts/fixtures';
import { Distributor } from './support/distributor.js';
import {
  alignTs,
  clockStep,
  decodeVideoFrames,
  freeUdpPort,
  locatePasses,
  makeAvClip,
  makeTestFeed,
  pcrsOf,
  pcrStepsMs,
  pesTimes,
  runTracked,
  startSrtReceiver,
  stopAllTracked,
  tsReport,
  upToLastPesStart,
  fromFirstRandomAccess,
  type SrtReceiver,
  type TestFeed,
} from './support/media/index.js';
import { killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'file-input-admin-password';

/** What ffprobe says reading every packet of a file (stderr empty: nothing to complain about). */
async function ffprobePackets(path: string): Promise<{ code: number | null; stderr: string; packets: number }> {
  const r = await runTracked('ffprobe', ['-v', 'error', '-show_entries', 'packet=stream_index,dts', '-of', 'csv=p=0', path], 60_000);
  return { code: r.code, stderr: r.stderr, packets: r.stdout.toString().trim().split('\n').filter(Boolean).length };
}

/**
 * File inputs (ADR 0010): a media-library file looped with one timeline, recorded at a real
 * srt-live-transmit listener through the channel's SRT output; an MP4 upload remuxed once to TS.
 */
describe('file input from the media library, looped into one timeline', { timeout: 150_000 }, () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-file-in-'));
  const workDir = mkdtempSync(join(tmpdir(), 'mld-e2e-file-in-work-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: TestFeed;
  const receivers: SrtReceiver[] = [];

  /** A running file-input channel whose SRT output records at a fresh listener. */
  async function playing(name: string, mediaId: string): Promise<{ channel: ChannelWithOutputsResponse; rx: SrtReceiver; outputId: string }> {
    const rx = await startSrtReceiver({ mode: 'listener', port: await freeUdpPort(), latencyMs: 120 });
    receivers.push(rx);
    const channel = await mld.createChannel({ name, input: { type: 'file', media_id: mediaId, loop: true } });
    const outputId = (await mld.addOutput(channel.id, { protocol: 'srt', url: `srt://127.0.0.1:${rx.port}?latency=120`, name: 'srt recording' })).id;
    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);
    await mld.waitOutput(channel.id, outputId, 'SRT connected', (r) => r.state === 'running' && r.connected === true);
    return { channel, rx, outputId };
  }

  const waitFile = (channelId: string, what: string, predicate: (r: ChannelRuntime) => boolean, timeoutMs: number) =>
    waitFor(`file input ${what}`, async () => {
      const r = (await mld.channel(channelId)).runtime;
      return r && predicate(r) ? r : undefined;
    }, timeoutMs, 200);

  before(async () => {
    // ~3 s of H.264/AAC at 2 Mbit/s with a SCTE-35 cue every second (FFmpeg cannot write them; the fixture inserts them).
    feed = await makeTestFeed({ seconds: 3, bitrate: 2_000_000, cueIntervalSeconds: 1, width: 640, height: 360, dir: workDir });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
  });

  after(async () => {
    await Promise.all(receivers.map((rx) => rx.stop().catch(() => undefined)));
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(workDir, { recursive: true, force: true });
  });

  it('loops an uploaded TS with SCTE-35: 0 CC errors, PCR and PTS rising across every join, every cue re-signed, ffprobe clean', async (t) => {
    const media = await mld.uploadMedia('loop-with-cues.ts', feed.ts);
    assert.deepEqual([media.container, media.source_container, media.video_codec, media.audio_codec, media.size_bytes], ['mpegts', 'mpegts', 'h264', 'aac', feed.ts.length]);
    assert.ok(media.duration_ms !== null && Math.abs(media.duration_ms - 3000) < 300, `duration ${media.duration_ms} ms`);

    const { channel, rx, outputId } = await playing('file loop', media.id);
    const outputPid = (await mld.outputRuntime(channel.id, outputId))!.pid;
    const looping = await waitFile(channel.id, 'past its fourth pass', (r) => (r.file?.loops ?? 0) >= 4, 25_000);
    assert.equal(looping.state, 'receiving');
    assert.deepEqual([looping.file!.media_id, looping.file!.loop], [media.id, true]);
    assert.ok(Math.abs(looping.file!.duration_ms - 3000) < 300, `runtime duration ${looping.file!.duration_ms} ms`);
    // The service's own analysis of the looped input agrees.
    assert.equal(looping.analysis?.tr101290.cc_error.count, 0);
    assert.equal(looping.analysis?.scte35.crc_errors, 0);
    const outputLate = (await mld.outputRuntime(channel.id, outputId))!;
    assert.deepEqual([outputLate.pid, outputLate.restarts], [outputPid, 0], 'the SRT output restarted at a loop');
    assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
    await waitFor('the SRT connection to end', () => !rx.connected, 10_000);
    assert.equal((await mld.channel(channel.id)).runtime, null);

    const recording = alignTs(rx.received());
    const passes = locatePasses(recording, feed.ts);
    assert.ok(passes, 'the recording could not be lined up with the file');
    assert.equal(passes.matched, passes.checked, `${passes.checked - passes.matched} of ${passes.checked} untouched payload packets not where the file has them: packets lost, added or moved`);
    assert.ok(passes.joins.length >= 3, `${passes.joins.length} loop joins recorded`);
    assert.equal(rx.connections, 1);

    const report = tsReport(recording, { scte35Pids: [feed.scte35Pid] });
    assert.equal(report.ccErrors, 0, `CC errors ${JSON.stringify(report.ccErrorsByPid)}`);
    assert.deepEqual(timelineProblems(timelineReport(recording)).slice(0, 10), [], 'PCR, decode times or splice times do not rise');

    // PCR at each join: an ordinary step, about the file's own mean interval (ADR 0010).
    const filePcrs = pcrsOf(feed.ts);
    const meanInterval = pcrStepsMs(filePcrs).reduce((s, p) => s + p.ms, 0) / (filePcrs.length - 1);
    const steps = pcrStepsMs(pcrsOf(recording));
    const joinSteps = passes.joins.map((j) => steps.find((s) => s.packet >= j)!.ms);
    assert.ok(joinSteps.every((ms) => ms > 0 && ms <= 100), `PCR steps at the joins: ${joinSteps.join(', ')} ms`);

    // PTS per PID: each pass presents after the one before (video is checked per pass: B-frames reorder inside one).
    const pes = pesTimes(recording);
    const overlaps: string[] = [];
    const bounds = [0, ...passes.joins, recording.length / TS_PACKET_SIZE];
    for (const pid of new Set(pes.map((p) => p.pid))) {
      const ofPid = pes.filter((p) => p.pid === pid);
      for (let k = 1; k + 1 < bounds.length; k++) {
        const before = ofPid.filter((p) => p.packet >= bounds[k - 1]! && p.packet < bounds[k]!);
        const after = ofPid.filter((p) => p.packet >= bounds[k]! && p.packet < bounds[k + 1]!);
        if (before.length === 0 || after.length === 0) continue;
        const base = before[0]!.pts;
        const lastBefore = Math.max(...before.map((p) => clockStep(base, p.pts, PTS_MODULO)));
        const firstAfter = Math.min(...after.map((p) => clockStep(base, p.pts, PTS_MODULO)));
        if (firstAfter <= lastBefore) overlaps.push(`PID 0x${pid.toString(16)} join ${k}: next pass presents ${lastBefore - firstAfter} ticks early`);
      }
    }
    assert.deepEqual(overlaps, []);

    // Every cue of every pass recorded, each with a valid CRC and its pts_adjustment moved on by one pass.
    const passPackets = passes.passPackets;
    const expectedCues = feed.cues.reduce((n, cue) => {
      for (let at = (cue.packetIndex - passes.startsAtFilePacket + passPackets) % passPackets; at < recording.length / TS_PACKET_SIZE; at += passPackets) n++;
      return n;
    }, 0);
    const cues = report.cues.filter((c) => c.pid === feed.scte35Pid);
    assert.equal(cues.length, expectedCues, `${cues.length} cues recorded, ${expectedCues} in the passes covered`);
    assert.ok(cues.every((c) => c.crcValid), 'a cue arrived with a bad CRC');
    const adjustments = [...new Set(cues.map((c) => (c.decoded.ok ? c.decoded.value.ptsAdjustment : -1)))];
    assert.ok(adjustments.length >= passes.joins.length && !adjustments.includes(-1), `pts_adjustment values ${adjustments.join(', ')}`);

    const file = join(workDir, 'looped.ts');
    writeFileSync(file, recording);
    const probe = await ffprobePackets(file);
    assert.equal(probe.code, 0);
    assert.equal(probe.stderr, '', 'ffprobe complained');

    const looped = await mld.events({ channel_id: channel.id, type: 'input.looped', limit: '50' });
    assert.ok(looped.length >= 4, `${looped.length} input.looped events`);
    assert.match(looped.at(-1)!.message, new RegExp(`media ${media.id} looped \\(1 time\\)`));
    t.diagnostic(
      `${recording.length} bytes over 1 SRT connection from file packet ${passes.startsAtFilePacket}: ${passes.joins.length} joins (${(recording.length / feed.ts.length).toFixed(2)} passes), ` +
        `${passes.matched}/${passes.checked} untouched packets in place, ${report.ccErrors} CC errors; PCR steps at the joins ${joinSteps.map((ms) => ms.toFixed(2)).join(', ')} ms ` +
        `(file's mean ${meanInterval.toFixed(2)} ms); ${cues.length} cues with valid CRC (${feed.cues.length} per pass, ${expectedCues} expected), ${adjustments.length} pts_adjustment values; ` +
        `ffprobe read ${probe.packets} packets without a word; ${looped.length} input.looped events`,
    );
  });

  it('an MP4 upload is remuxed to TS once and plays through a file input: the SRT output receives decodable H.264/AAC', async (t) => {
    const mp4 = await makeAvClip({ dir: workDir, name: 'upload', seconds: 3, extension: '.mp4' });
    const media = await mld.uploadMedia('upload.mp4', readFileSync(mp4));
    assert.deepEqual([media.container, media.source_container, media.video_codec, media.audio_codec, media.width, media.height], ['mpegts', 'mp4', 'h264', 'aac', 640, 360]);

    const { channel, rx } = await playing('mp4 file', media.id);
    await waitFile(channel.id, 'into its second pass', (r) => r.state === 'receiving' && (r.file?.loops ?? 0) >= 1 && r.file!.position_ms >= 1000, 20_000);
    assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);
    await waitFor('the SRT connection to end', () => !rx.connected, 10_000);

    const recording = alignTs(rx.received());
    const report = tsReport(recording);
    assert.equal(report.ccErrors, 0, `CC errors ${JSON.stringify(report.ccErrorsByPid)}`);
    assert.deepEqual(timelineProblems(timelineReport(recording)).slice(0, 10), []);
    const file = join(workDir, 'mp4-played.ts');
    // The SRT output may connect after playback began: decode from its first key frame.
    const fromKey = fromFirstRandomAccess(recording, 0x100);
    const videoPes = (ts: Buffer) => pesTimes(ts).filter((p) => p.pid === 0x100).length;
    const skipped = videoPes(recording) - videoPes(fromKey);
    writeFileSync(file, upToLastPesStart(fromKey, 0x100));
    const decoded = await decodeVideoFrames(file);
    assert.equal(decoded.code, 0);
    assert.equal(decoded.stderr, '', 'the decoder found errors');
    // One pass is 75 frames; the recording holds a pass and at least a second of the next.
    assert.ok(decoded.frames.length >= 95 - skipped, `${decoded.frames.length} frames decoded (${skipped} received before the first key frame)`);
    const probe = await runTracked('ffprobe', ['-v', 'error', '-show_entries', 'stream=codec_name', '-of', 'csv=p=0', file], 30_000);
    // csv lists each stream again under its program: the set of codecs is what counts.
    assert.deepEqual([...new Set(probe.stdout.toString().split('\n').filter(Boolean))].sort(), ['aac', 'h264']);
    t.diagnostic(`MP4 ${media.size_bytes} bytes stored as TS; recording ${recording.length} bytes, PIDs ${report.pids.map((p) => `0x${p.toString(16)}`).join(' ')}, ${report.ccErrors} CC errors, ${decoded.frames.length} frames decoded`);
  });
});
