// A tiny TS feed (PAT, PMT, H.264 PES with PTS) and the FLV FFmpeg would make of it, for the ad-marker tests.
import { buildPatSection, buildPmtSection, packetizePes, packetizeSection, STREAM_TYPE, writePesTimestamp } from '@mld/mpegts';
import { FLV_VIDEO, type FlvTag } from '../../../rtmp/flv-tag-reader.js';

export const VIDEO_PID = 0x100;
const PMT_PID = 0x1000;

/** PAT + PMT (one H.264 stream) as TS packets. */
export function tsTables(): Buffer {
  const pat = packetizeSection(buildPatSection({ transportStreamId: 1, programs: [{ programNumber: 1, pmtPid: PMT_PID }] }), 0).packets;
  const pmt = packetizeSection(buildPmtSection({ programNumber: 1, pcrPid: VIDEO_PID, streams: [{ streamType: STREAM_TYPE.H264, pid: VIDEO_PID, descriptors: [] }] }), PMT_PID).packets;
  return Buffer.concat([pat, pmt]);
}

/** One video access unit (PES with PTS) on VIDEO_PID; `keyframe` sets random_access_indicator. */
export function tsVideoFrame(pts: number, keyframe: boolean, cc = 0): Buffer {
  const pes = Buffer.alloc(9 + 5 + 8);
  pes.set([0, 0, 1, 0xe0, 0, 0, 0x80, 0x80, 5]);
  writePesTimestamp(pes, 9, 0x2, pts);
  pes.set([0, 0, 0, 1, keyframe ? 0x65 : 0x41, 0x88, 0x84, 0x00], 14);
  return packetizePes(pes, VIDEO_PID, cc, { randomAccess: keyframe }).packets;
}

/** An FLV AVC NAL-unit tag: DTS `timestamp` ms, presentation `timestamp + ctsMs`. */
export function flvVideoTag(timestamp: number, keyframe: boolean, ctsMs = 0): FlvTag {
  const data = Buffer.alloc(9);
  data[0] = (keyframe ? 0x10 : 0x20) | 7;
  data[1] = 1;
  data.writeIntBE(ctsMs, 2, 3);
  return { type: FLV_VIDEO, timestamp, data };
}
