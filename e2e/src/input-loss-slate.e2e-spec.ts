// Input loss without losing the audience (issue #14 part 2, ADR 0016), against a real nginx-rtmp:
// an RTP feed (green picture, H.264 with B-frames, AAC) stops for 20 s and an encoder starts again
// (its clocks from zero, as a restarted encoder's), then stops for good. The RTMP output must stay
// one publish session with rising timestamps: the programme, the admin's slate image (magenta)
// encoded to the programme's parameters, the programme again, the slate again; no output
// restarted; the event log says so.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Distributor } from './support/distributor.js';
import { freeUdpPort, makeEncoderFeed, runTracked, startRtmpServer, startTsSender, stopAllTracked, type EncoderFeed, type RtmpServer } from './support/media/index.js';
import { readFlvFile, readRtmpClientStream, startTcpTap, videoFrame, type TcpTap } from './support/media/flv-reader.js';
import { killLeftovers, login, processesMentioning, startService, waitFor, type ServiceProcess } from './support/service-process.js';

const ADMIN_PASSWORD = 'input-loss-admin-password';
const GAP_MS = 20_000;

/** Per decoded frame of a recording: its time and whether it is the magenta slate (U and V both high). */
async function frameColours(file: string): Promise<{ t: number; slate: boolean }[]> {
  const r = await runTracked(
    'ffprobe',
    ['-v', 'error', '-f', 'lavfi', '-i', `movie=${file},signalstats`, '-show_entries', 'frame=pts_time:frame_tags=lavfi.signalstats.UAVG,lavfi.signalstats.VAVG', '-of', 'csv=p=0'],
    120_000,
  );
  if (r.code !== 0) throw new Error(`ffprobe ${file}: ${r.stderr}`);
  return r.stdout
    .toString()
    .trim()
    .split('\n')
    .map((line) => line.split(',').map(Number))
    .map(([t, u, v]) => ({ t: t!, slate: u! > 170 && v! > 170 }));
}

describe('input loss: a slate keeps the RTMP session alive (nginx-rtmp)', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'mld-e2e-slate-'));
  let service: ServiceProcess;
  let mld: Distributor;
  let feed: EncoderFeed;
  let rtmp: RtmpServer;
  let tap: TcpTap | undefined;

  before(async () => {
    feed = await makeEncoderFeed({ dir: dataDir, name: 'programme', seconds: 8, bitrate: 1_500_000, colour: 'green', scte35Pid: 0x1f0, cueIntervalSeconds: 4 });
    service = await startService({ DATA_DIR: dataDir, ADMIN_USERNAME: 'admin', ADMIN_PASSWORD, DASHBOARD_DIR: join(dataDir, 'none') });
    mld = new Distributor(service.url, await login(service.url, 'admin', ADMIN_PASSWORD));
    rtmp = await startRtmpServer({ record: 'unique' });
  });

  after(async () => {
    await tap?.close().catch(() => undefined);
    await rtmp?.stop().catch(() => undefined);
    await service?.stop('SIGTERM').catch(() => undefined);
    await stopAllTracked();
    killLeftovers();
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('programme → slate image → programme on one RTMP session with rising timestamps; input.slate_on/off logged', async (t) => {
    const png = join(dataDir, 'slate.png');
    const made = await runTracked('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'color=c=0xff00ff:s=320x240', '-frames:v', '1', '-y', png], 30_000);
    assert.equal(made.code, 0, made.stderr);
    const image = await mld.uploadMedia('slate.png', readFileSync(png));
    assert.deepEqual([image.container, image.source_container], ['image', 'png']);
    const clip = await mld.uploadMedia('clip.ts', feed.ts);

    const inPort = await freeUdpPort();
    const refused = [
      [{ action: 'slate', after_ms: 5 }, /after_ms is in milliseconds without input: an integer from 200 to 60000/],
      [{ action: 'slate', slate_media_id: clip.id }, /is mpegts, not an image/],
      [{ action: 'black', slate_media_id: image.id }, /slate_media_id applies to action "slate" only/],
      [{ action: 'repeat' }, /action must be "none"/],
    ] as const;
    for (const [input_loss, message] of refused) {
      const r = await mld.post('/api/channels', { name: 'refused', rtp_ip: '127.0.0.1', rtp_port: inPort, input_loss });
      assert.equal(r.status, 400, JSON.stringify(r.body));
      assert.match((r.body as { message: string }).message, message);
    }
    const asInput = await mld.post('/api/channels', { name: 'image as input', input: { type: 'file', media_id: image.id } });
    assert.equal(asInput.status, 400, 'an image is no input');

    const channel = await mld.createChannel({ name: 'slate channel', rtp_ip: '127.0.0.1', rtp_port: inPort, input_loss: { action: 'slate', after_ms: 1000, slate_media_id: image.id } });
    assert.deepEqual(channel.input_loss, { action: 'slate', after_ms: 1000, slate_media_id: image.id, ts_outputs: false });
    const mediaNow = await mld.get(`/api/media/${image.id}`);
    assert.deepEqual((mediaNow.body as { used_by: { id: string }[] }).used_by.map((c) => c.id), [channel.id], 'the slate image is in use');
    tap = await startTcpTap(rtmp.port);
    const key = `slate-${Date.now()}`;
    const output = await mld.addOutput(channel.id, { protocol: 'rtmp', url: `rtmp://127.0.0.1:${tap.port}/live/${key}`, name: 'platform' });
    assert.equal((await mld.post(`/api/channels/${channel.id}/start`)).status, 200);

    const first = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp' });
    await mld.waitOutput(channel.id, output.id, 'running with media', (r) => r.state === 'running' && r.bytes_out > 50_000, 20_000);
    await first.done;
    const stoppedAt = Date.now();
    const onAir = await waitFor('the slate on air', async () => ((await mld.channel(channel.id)).runtime?.slate?.on_air ? true : undefined), 10_000);
    assert.ok(onAir);
    const slate = (await mld.channel(channel.id)).runtime!.slate!;
    assert.deepEqual(slate.matches && [slate.matches.width, slate.matches.height, slate.matches.fps], [640, 360, '25'], 'encoded to the programme\'s size and rate');
    t.diagnostic(`slate on air ${Date.parse(slate.since!) - stoppedAt} ms after the last datagram; encoded as ${JSON.stringify(slate.matches)}`);
    await new Promise((r) => setTimeout(r, GAP_MS - (Date.now() - stoppedAt)));
    const second = await startTsSender({ ts: feed.ts, host: '127.0.0.1', port: inPort, mode: 'rtp' });
    await second.done;
    // The encoder stops for good: the slate comes back (a second loss), then the channel is stopped.
    await waitFor('the slate on air again', async () => ((await mld.channel(channel.id)).runtime?.slate?.shown === 2 ? true : undefined), 10_000);
    await new Promise((r) => setTimeout(r, 1500));
    const runtime = await mld.outputRuntime(channel.id, output.id);
    assert.equal((await mld.post(`/api/channels/${channel.id}/stop`)).status, 200);

    // One publish session, never restarted.
    assert.equal(tap.sessions().length, 1, 'one RTMP session from start to end');
    assert.equal(runtime?.restarts ?? 0, 0, 'the output never restarted');
    const file = await waitFor('the recording', () => rtmp.recordings().find((f) => f.includes(key)), 10_000);
    assert.equal(rtmp.recordings().filter((f) => f.includes(key)).length, 1, 'nginx recorded one publish');

    // Rising timestamps, no hole a platform would end the broadcast for.
    const sent = readRtmpClientStream(tap.sessions()[0]!);
    const video = sent.filter((x) => x.type === 9 && videoFrame(x));
    const audio = sent.filter((x) => x.type === 8);
    let maxVideoGap = 0;
    for (let i = 1; i < video.length; i++) {
      const d = video[i]!.timestamp - video[i - 1]!.timestamp;
      assert.ok(d >= 0, `video timestamps fall at tag ${i}: ${video[i - 1]!.timestamp} → ${video[i]!.timestamp}`);
      maxVideoGap = Math.max(maxVideoGap, d);
    }
    for (let i = 1; i < audio.length; i++) assert.ok(audio[i]!.timestamp >= audio[i - 1]!.timestamp, `audio timestamps fall at tag ${i}`);
    // after_ms (1 s) plus the wait for the slate's first key frame (4 a second at first).
    assert.ok(maxVideoGap < 1800, `largest gap between two video frames: ${maxVideoGap} ms`);
    const span = video.at(-1)!.timestamp - video[0]!.timestamp;
    assert.ok(span > 8000 + GAP_MS + 6000, `the FLV timeline spans ${span} ms: the programme twice and the slate in between`);

    // The pictures: programme, then the slate, then the programme.
    assert.ok(readFlvFile(readFileSync(file)).length > 100);
    const frames = await frameColours(file);
    const runs: { slate: boolean; from: number; to: number; frames: number }[] = [];
    for (const f of frames) {
      const last = runs.at(-1);
      if (last && last.slate === f.slate) {
        last.to = f.t;
        last.frames++;
      } else runs.push({ slate: f.slate, from: f.t, to: f.t, frames: 1 });
    }
    t.diagnostic(`recorded runs: ${runs.map((r) => `${r.slate ? 'slate' : 'programme'} ${r.from.toFixed(2)}–${r.to.toFixed(2)} s (${r.frames} frames)`).join(', ')}; largest video gap ${maxVideoGap} ms`);
    assert.deepEqual(runs.map((r) => (r.slate ? 'slate' : 'programme')), ['programme', 'slate', 'programme', 'slate']);
    // Back to the programme at its key frame with the pictures joined (the slate copies the programme's mux delay).
    assert.ok(runs[2]!.from - runs[1]!.to < 0.5, `${((runs[2]!.from - runs[1]!.to) * 1000).toFixed(0)} ms between the last slate picture and the programme's first`);
    const slateSeconds = runs[1]!.to - runs[1]!.from;
    assert.ok(slateSeconds > (GAP_MS - 3000) / 1000 && slateSeconds < (GAP_MS + 2000) / 1000, `the slate was shown ${slateSeconds.toFixed(1)} s`);
    assert.ok(runs[2]!.frames > 25 * 6, `the programme came back: ${runs[2]!.frames} frames`);

    // The event log.
    const events = await mld.events({ channel_id: channel.id, limit: '100' });
    const on = events.filter((e) => e.type === 'input.slate_on');
    const off = events.filter((e) => e.type === 'input.slate_off');
    assert.equal(on.length, 2, JSON.stringify(events.map((e) => e.type)));
    assert.equal(off.length, 1);
    const shownMs = (off[0]!.details as Record<string, number>)['slate_duration_ms']!;
    assert.ok(shownMs > GAP_MS - 3000 && shownMs < GAP_MS + 2000, `input.slate_off says ${shownMs} ms`);
    assert.match(off[0]!.message, /programme on air again at its random-access point/);
    assert.equal(events.filter((e) => e.type === 'output.stalled' || e.type === 'output.failed').length, 0, 'no output trouble');
  });
});
