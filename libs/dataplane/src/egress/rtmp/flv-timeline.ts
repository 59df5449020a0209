import { encodeAmf0, type Amf0Value } from '../../rtmp/amf0.js';
import { CSID, MSG, type RtmpMessage } from '../../rtmp/chunk-stream.js';
import { FLV_AUDIO, FLV_SCRIPT, FLV_VIDEO, type FlvTag } from '../../rtmp/flv-tag-reader.js';

const SET_DATA_FRAME = encodeAmf0('@setDataFrame');

/**
 * FLV tags → RTMP messages of one published stream, with data messages (issue #14: onCuePoint)
 * placed in the same timeline. A data message inserted for time T goes out just before the first
 * media tag at or after T, so a player sees it at its place between the frames.
 */
export class FlvTimeline {
  private readonly inserted: Array<{ timestamp: number; payload: Buffer }> = [];
  /** Timestamp of the last media tag mapped (ms of the FLV timeline), -1 before the first. */
  lastMediaTimestamp = -1;
  videoTags = 0;

  constructor(private readonly streamId: number) {}

  /** Queues an AMF0 data message (e.g. `['onCuePoint', {...}]`) for `timestampMs` of the FLV timeline. */
  insertDataMessage(timestampMs: number, values: readonly Amf0Value[]): void {
    if (!Number.isFinite(timestampMs) || timestampMs < 0) throw new RangeError(`data message timestamp ${timestampMs}`);
    const entry = { timestamp: Math.round(timestampMs), payload: encodeAmf0(...values) };
    // Kept sorted; cues are few, so an insertion scan is enough.
    let i = this.inserted.length;
    while (i > 0 && this.inserted[i - 1]!.timestamp > entry.timestamp) i--;
    this.inserted.splice(i, 0, entry);
  }

  get pendingDataMessages(): number {
    return this.inserted.length;
  }

  /** The messages to send for one tag: due data messages first, then the tag itself. */
  map(tag: FlvTag): RtmpMessage[] {
    const out: RtmpMessage[] = [];
    if (tag.type === FLV_AUDIO || tag.type === FLV_VIDEO) {
      while (this.inserted.length > 0 && this.inserted[0]!.timestamp <= tag.timestamp) {
        const due = this.inserted.shift()!;
        // Never before what was already sent: a late cue goes out now, at the current time.
        const timestamp = Math.max(due.timestamp, this.lastMediaTimestamp, 0);
        out.push({ csid: CSID.Data, type: MSG.DataAmf0, streamId: this.streamId, timestamp, payload: due.payload });
      }
      this.lastMediaTimestamp = tag.timestamp;
      if (tag.type === FLV_VIDEO) this.videoTags += 1;
      out.push({ csid: tag.type === FLV_AUDIO ? CSID.Audio : CSID.Video, type: tag.type === FLV_AUDIO ? MSG.Audio : MSG.Video, streamId: this.streamId, timestamp: tag.timestamp, payload: tag.data });
    } else if (tag.type === FLV_SCRIPT) {
      // onMetaData is sent as @setDataFrame so the server stores it for its viewers (FFmpeg and OBS do the same).
      const isMeta = tag.data.length > 13 && tag.data.toString('latin1', 3, 13) === 'onMetaData';
      const payload = isMeta ? Buffer.concat([SET_DATA_FRAME, tag.data]) : tag.data;
      out.push({ csid: CSID.Data, type: MSG.DataAmf0, streamId: this.streamId, timestamp: tag.timestamp, payload });
    }
    return out;
  }
}
