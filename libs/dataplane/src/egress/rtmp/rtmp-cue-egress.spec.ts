import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { buildSpliceInsert, buildTimeSignal, SEGMENTATION_TYPE } from '@mld/mpegts';
import { FakeSpawner } from '@mld/supervisor/testing';
import { buildCue } from '@mld/ts-analysis';
import type { OutputConfig } from '../../types.js';
import { createEgress } from '../create-egress.js';
import { decodeAmf0 } from '../../rtmp/amf0.js';
import { FLV_AUDIO, flvHeader, encodeFlvTag, type FlvTag } from '../../rtmp/flv-tag-reader.js';
import { startScriptedServer } from './testing/scripted-rtmp-server.js';
import { flvVideoTag, tsTables, tsVideoFrame } from './testing/cue-feed.js';

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));
const FIRST_PTS = 9_000_000;

function rtmpConfig(port: number, adMarkers?: string): OutputConfig {
  return { id: 'r1', name: 'rtmp', protocol: 'rtmp', url: `rtmp://127.0.0.1:${port}/live/k`, host: '127.0.0.1', port, path: '/live/k', options: adMarkers ? { ad_markers: adMarkers } : {} };
}

/** FFmpeg's FLV for frames i ∈ [from, to): video at 40·i ms (keyframe every 25), audio 20 ms after. */
function flvTags(from: number, to: number): FlvTag[] {
  const tags: FlvTag[] = [];
  for (let i = from; i < to; i++) {
    tags.push(flvVideoTag(i * 40, i % 25 === 0));
    tags.push({ type: FLV_AUDIO, timestamp: i * 40 + 20, data: Buffer.of(0xaf, 1, 0, 0) });
  }
  return tags;
}

const write = (tags: FlvTag[], header = false) => Buffer.concat([...(header ? [flvHeader()] : []), ...tags.map(encodeFlvTag)]);

/** What the server got, in order: `v@ms`, `a@ms`, `cue@ms:<event id>`. */
function order(received: Array<{ type: number; timestamp: number; payload: Buffer }>): string[] {
  return received
    .filter((m) => m.type === 8 || m.type === 9 || m.type === 18)
    .map((m) => {
      if (m.type !== 18) return `${m.type === 9 ? 'v' : 'a'}@${m.timestamp}`;
      const [name, body] = decodeAmf0(m.payload) as [string, Record<string, unknown>];
      return name === 'onCuePoint' ? `cue@${m.timestamp}:${String(body['splice_event_id'] ?? (body['parameters'] as Record<string, string>)['id'])}` : `data@${m.timestamp}`;
    });
}

describe('RTMP egress with ad markers: cues become onCuePoint in the FLV timeline', () => {
  it('places each cue at the FLV time of the frame with its PTS, in order with the media; none for outputs without markers', async () => {
    for (const markers of ['youtube', 'on_cue_point_scte35', undefined]) {
      const server = await startScriptedServer();
      const spawner = new FakeSpawner();
      const egress = createEgress(rtmpConfig(server.port, markers), { spawner });
      try {
        egress.start();
        await wait(100);
        spawner.last.acceptStdin();
        // TS fed to FFmpeg: tables, 2 P frames (FFmpeg drops them), then the keyframe at FIRST_PTS.
        egress.accept(Buffer.concat([tsTables(), tsVideoFrame(FIRST_PTS - 7200, false), tsVideoFrame(FIRST_PTS - 3600, false), tsVideoFrame(FIRST_PTS, true)]));
        await wait(50);
        // A cue that arrives before FFmpeg's first FLV tag waits for the timeline (splice 1 s in).
        egress.cue!(buildCue(buildSpliceInsert({ spliceEventId: 11, ptsTime: FIRST_PTS + 90_000, breakDuration: 30 * 90_000 }), 0x1f6, 0));
        spawner.last.stdout!.write(write(flvTags(0, 30), true));
        await wait(50);
        // pts_adjustment moves the splice: 2 s + 0.4 s in; the time_signal is a placement opportunity at 2 s.
        egress.cue!(buildCue(buildSpliceInsert({ spliceEventId: 12, ptsTime: FIRST_PTS + 180_000, ptsAdjustment: 36_000, breakDuration: 90_000 }), 0x1f6, 0));
        egress.cue!(buildCue(buildTimeSignal({ ptsTime: FIRST_PTS + 180_000, segmentation: [{ segmentationEventId: 13, segmentationTypeId: SEGMENTATION_TYPE.PROVIDER_PLACEMENT_OPPORTUNITY_START, segmentationDuration: 90_000 }] }), 0x1f6, 0));
        egress.cue!(buildCue(buildSpliceInsert({ spliceEventId: 14, cancel: true }), 0x1f6, 0));
        spawner.last.stdout!.write(write(flvTags(30, 75)));
        await wait(300);
        const got = order(server.received);
        const cues = got.filter((x) => x.startsWith('cue@'));
        if (!markers) {
          assert.deepEqual(cues, [], 'an output without ad_markers sends no data messages');
        } else {
          assert.deepEqual(cues, ['cue@1000:11', 'cue@2000:13', 'cue@2400:12']);
          // Each cue sits just before the first frame at its time, and the media is untouched.
          for (const c of cues) {
            const at = Number(c.slice(4, c.indexOf(':')));
            const i = got.indexOf(c);
            assert.equal(got[i + 1], `v@${at}`, `${c} before the frame at its time (${got.slice(i - 2, i + 2).join(' ')})`);
          }
        }
        assert.equal(got.filter((x) => x.startsWith('v@')).length, 75);
        assert.equal(got.filter((x) => x.startsWith('a@')).length, 75);
      } finally {
        const stopping = egress.stop();
        await spawner.last.exit(null, 'SIGTERM');
        await stopping;
        await server.close();
      }
    }
  });

  it('an immediate cue goes at the FLV time of the video being handed to FFmpeg as it arrives', async () => {
    const server = await startScriptedServer();
    const spawner = new FakeSpawner();
    const egress = createEgress(rtmpConfig(server.port, 'youtube'), { spawner });
    try {
      egress.start();
      await wait(100);
      spawner.last.acceptStdin();
      egress.accept(Buffer.concat([tsTables(), ...Array.from({ length: 20 }, (_, i) => tsVideoFrame(FIRST_PTS + i * 3600, i === 0, i))]));
      await wait(50);
      spawner.last.stdout!.write(write(flvTags(0, 10), true));
      await wait(50);
      // The input is 19 frames in (760 ms), FFmpeg's output only 10: the cue belongs to the input's frame.
      egress.cue!(buildCue(buildSpliceInsert({ spliceEventId: 21, breakDuration: 90_000 }), 0x1f6, 0));
      spawner.last.stdout!.write(write(flvTags(10, 30)));
      await wait(300);
      const got = order(server.received);
      const i = got.indexOf('cue@760:21');
      assert.ok(i > 0, got.filter((x) => x.startsWith('cue')).join(' ') || 'no cue');
      assert.equal(got[i + 1], 'v@760');
    } finally {
      const stopping = egress.stop();
      await spawner.last.exit(null, 'SIGTERM');
      await stopping;
      await server.close();
    }
  });
});
