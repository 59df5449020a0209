// The standby analysis of one input: faults (TR 101 290 priority 1 as a switch needs them), the
// PID layout, random-access points (the adaptation field's flag, else the first NAL units).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { packetizePes, STREAM_TYPE, TS_PACKET_SIZE, writePesTimestamp } from '@mld/mpegts';
import { buildSyntheticTs, insertScte35 } from '@mld/mpegts/fixtures';
import { FLAG_PAT_DONE, FLAG_PMT_DONE, FLAG_PSI, FLAG_RAP, InputMonitor } from './input-monitor.js';
import { CODEC_H264, CODEC_H265, CODEC_MPEG2, isRandomAccess, videoCodecOf } from './random-access.js';

function feed(m: InputMonitor, ts: Buffer, now: number): number[] {
  const flags: number[] = [];
  for (let off = 0; off < ts.length; off += TS_PACKET_SIZE) flags.push(m.packet(ts, off, now));
  return flags;
}

/** A video PES whose payload starts with the given NAL units (each after a 4-byte start code). */
function videoPacket(nals: number[][], opts: { randomAccess?: boolean } = {}): Buffer {
  const es = Buffer.concat(nals.map((n) => Buffer.from([0, 0, 0, 1, ...n, 0x11, 0x22, 0x33])));
  const pes = Buffer.alloc(14 + es.length);
  pes[2] = 1;
  pes[3] = 0xe0;
  pes[6] = 0x80;
  pes[7] = 0x80;
  pes[8] = 5;
  writePesTimestamp(pes, 9, 2, 90_000);
  es.copy(pes, 14);
  return packetizePes(pes, 0x100, 0, { randomAccess: opts.randomAccess }).packets.subarray(0, TS_PACKET_SIZE);
}

describe('isRandomAccess', () => {
  it('reads random_access_indicator, else the NAL units that start the picture', () => {
    assert.equal(isRandomAccess(videoPacket([[0x41]], { randomAccess: true }), 0, CODEC_H264), true, 'flag set');
    assert.equal(isRandomAccess(videoPacket([[0x09, 0xf0], [0x67], [0x68], [0x65]]), 0, CODEC_H264), true, 'AUD, SPS, PPS, IDR');
    assert.equal(isRandomAccess(videoPacket([[0x09, 0xf0], [0x65]]), 0, CODEC_H264), true, 'IDR');
    assert.equal(isRandomAccess(videoPacket([[0x09, 0xf0], [0x41]]), 0, CODEC_H264), false, 'a P slice');
    assert.equal(isRandomAccess(videoPacket([[0x26, 0x01]]), 0, CODEC_H265), true, 'HEVC IDR_W_RADL');
    assert.equal(isRandomAccess(videoPacket([[0x02, 0x01]]), 0, CODEC_H265), false, 'HEVC TRAIL_R');
    assert.equal(isRandomAccess(videoPacket([[0xb3]]), 0, CODEC_MPEG2), true, 'sequence header');
    assert.equal(isRandomAccess(videoPacket([[0x00]]), 0, CODEC_MPEG2), false, 'a picture');
    assert.equal(videoCodecOf(STREAM_TYPE.H264), CODEC_H264);
  });
});

describe('InputMonitor', () => {
  const s = buildSyntheticTs({ seconds: 2, frameBytes: 500 });

  it('learns the layout from PAT and PMT, flags their packets and the random-access points', () => {
    const m = new InputMonitor({ lossMs: 500, startedAt: 0 });
    const flags = feed(m, s.ts, 10);
    assert.equal(m.layout?.pmtPid, s.pmtPid);
    assert.deepEqual(m.layout?.streams.map((x) => [x.pid, x.codec]), [
      [s.videoPid, 'H.264/AVC'],
      [s.audioPid, 'AAC (ADTS)'],
    ]);
    assert.equal(m.videoPid, s.videoPid);
    assert.equal(m.layoutSeq, 1, 'the same PMT again is no change');
    assert.equal(flags[0]! & (FLAG_PSI | FLAG_PAT_DONE), FLAG_PSI | FLAG_PAT_DONE);
    assert.equal(flags[1]! & FLAG_PMT_DONE, FLAG_PMT_DONE);
    assert.equal(flags.filter((f) => (f & FLAG_RAP) !== 0).length, 2, 'one per second');
    assert.ok(m.lastPcr27M > 0);
    assert.equal(m.decodeStep[s.videoPid], 3600, 'a frame at 25 fps');
  });

  it('says what is wrong and since when: nothing yet, a gap, PAT, PMT, video, sync', () => {
    const m = new InputMonitor({ lossMs: 500, startedAt: 1000 });
    assert.deepEqual(m.health(1400), { fault: 'no_data', since: 1000, failed: false, usable: false });
    assert.equal(m.health(1500).failed, true);
    feed(m, s.ts.subarray(0, 40 * TS_PACKET_SIZE), 2000);
    assert.deepEqual(m.health(2100), { fault: null, since: 2100, failed: false, usable: true });
    assert.deepEqual(m.health(2250), { fault: 'no_data', since: 2000, failed: false, usable: true });
    assert.deepEqual(m.health(2500), { fault: 'no_data', since: 2000, failed: true, usable: false });

    // Audio only from now on: the video PID goes silent, then PAT and PMT are overdue.
    const audioOnly = Buffer.concat(
      Array.from({ length: s.ts.length / TS_PACKET_SIZE }, (_, k) => s.ts.subarray(k * TS_PACKET_SIZE, (k + 1) * TS_PACKET_SIZE)).filter((p) => ((p[1]! & 0x1f) << 8 | p[2]!) === s.audioPid),
    );
    const chunk = audioOnly.subarray(0, TS_PACKET_SIZE);
    for (let t = 2500; t <= 3200; t += 20) m.packet(chunk, 0, t);
    assert.deepEqual(m.health(2400), { fault: 'video_missing', since: 2000, failed: false, usable: true });
    assert.deepEqual(m.health(2600), { fault: 'video_missing', since: 2000, failed: true, usable: true }, 'the fault that fails first, though PAT is overdue too');

    // Video but no more PSI: PAT (and PMT) overdue 500 ms after the last, failed lossMs later.
    const v = new InputMonitor({ lossMs: 500, startedAt: 0 });
    feed(v, s.ts.subarray(0, 40 * TS_PACKET_SIZE), 2000);
    const videoPacket = s.ts.subarray(2 * TS_PACKET_SIZE, 3 * TS_PACKET_SIZE);
    for (let t = 2020; t <= 3200; t += 20) v.packet(videoPacket, 0, t);
    assert.equal(v.health(2500).fault, null);
    assert.deepEqual(v.health(2900), { fault: 'pat_missing', since: 2500, failed: false, usable: true });
    assert.equal(v.health(3000).failed, true);

    const sync = new InputMonitor({ lossMs: 500, startedAt: 0 });
    feed(sync, s.ts.subarray(0, 20 * TS_PACKET_SIZE), 100);
    const garbage = Buffer.alloc(2 * TS_PACKET_SIZE, 0x11);
    feed(sync, garbage, 110);
    assert.equal(sync.health(120).fault, 'sync_loss');
    feed(sync, s.ts.subarray(20 * TS_PACKET_SIZE, 24 * TS_PACKET_SIZE), 130);
    assert.equal(sync.health(140).fault, 'sync_loss', 'four good packets are not enough');
    feed(sync, s.ts.subarray(24 * TS_PACKET_SIZE, 30 * TS_PACKET_SIZE), 150);
    assert.equal(sync.health(160).fault, null, 'five are');
  });

  it('hands over SCTE-35 sections and sees a changed PMT', () => {
    const withCues = insertScte35(s.ts, { intervalSeconds: 0.5, replaceNullPackets: false });
    const cues: number[] = [];
    const m = new InputMonitor({ lossMs: 500, startedAt: 0, onCue: (_section, pid) => cues.push(pid) });
    feed(m, withCues.ts, 0);
    assert.deepEqual(cues, withCues.cues.map(() => 0x1f6));
    assert.equal(m.layout?.streams.length, 3);
  });
});
