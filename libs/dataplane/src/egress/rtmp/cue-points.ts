import type { CueSegmentation, Scte35Cue } from '@mld/ts-analysis';
import type { Amf0Object, Amf0Value } from '../../rtmp/amf0.js';

/** The `ad_markers` option of an RTMP output (ADR 0015). */
export type AdMarkers = 'none' | 'on_cue_point_scte35' | 'youtube';

export const AD_MARKERS: readonly AdMarkers[] = ['none', 'on_cue_point_scte35', 'youtube'];

/** When a cue takes effect: at a splice time (90 kHz, pts_adjustment applied) or as it arrives. */
export type CueTime = { pts: number } | 'immediate';

/** The data message a cue becomes, before its place in the timeline is known. */
export interface CuePoint {
  time: CueTime;
  /** Builds the AMF0 values for the FLV time the message is placed at (the MediaLive shape carries it). */
  values(timeMs: number): Amf0Value[];
}

/** segmentation_type_id of ad breaks: start → end (SCTE 35 table 23). */
const AD_SEGMENT_STARTS = new Set([0x22, 0x30, 0x32, 0x34, 0x36]);
const AD_SEGMENT_ENDS = new Set([0x23, 0x31, 0x33, 0x35, 0x37]);

function liveSegments(cue: Scte35Cue): CueSegmentation[] {
  return (cue.segmentation ?? []).filter((s) => !s.cancel);
}

/** The cue's time, or undefined for a cue that writes nothing (splice_null, cancelled, undecodable…). */
function cueTime(cue: Scte35Cue): CueTime | undefined {
  if (cue.decodeError !== undefined || !cue.crcValid) return undefined;
  if (cue.commandType === 'splice_insert' && cue.spliceInsert) {
    const si = cue.spliceInsert;
    if (si.cancel) return undefined;
    const pts = si.spliceTimePts ?? si.components?.find((c) => c.spliceTimePts !== undefined)?.spliceTimePts;
    return si.immediate || pts === undefined ? 'immediate' : { pts };
  }
  if (cue.commandType === 'time_signal' && cue.timeSignal) {
    if ((cue.segmentation?.length ?? 0) > 0 && liveSegments(cue).length === 0) return undefined;
    return cue.timeSignal.ptsTime === undefined ? 'immediate' : { pts: cue.timeSignal.ptsTime };
  }
  return undefined;
}

/** Three decimals at most, as a string (AMF0 cue parameters are strings). */
function seconds(s: number | undefined): string {
  return String(Math.round((s ?? 0) * 1000) / 1000);
}

/** `com.youtube.cuepoint` (field order as OvenMediaEngine documents it for YouTube Live). */
function youtube(cue: Scte35Cue): Amf0Value[] | undefined {
  let start: boolean;
  let duration: number;
  let eventId: number;
  if (cue.spliceInsert) {
    start = cue.spliceInsert.outOfNetwork;
    duration = start ? (cue.spliceInsert.breakDurationSeconds ?? 0) : 0;
    eventId = cue.spliceInsert.eventId;
  } else {
    const ad = liveSegments(cue).find((s) => AD_SEGMENT_STARTS.has(s.typeId) || AD_SEGMENT_ENDS.has(s.typeId));
    if (!ad) return undefined; // for YouTube every cue point is an ad break
    start = AD_SEGMENT_STARTS.has(ad.typeId);
    duration = start ? (ad.durationSeconds ?? 0) : 0;
    eventId = ad.eventId;
  }
  const body: Amf0Object = {
    type: 'com.youtube.cuepoint',
    version: '0.1',
    pre_roll_time_sec: 0,
    cue_point_start: start,
    break_duration_sec: duration,
    splice_event_id: eventId,
  };
  return ['onCuePoint', body];
}

/** MediaLive / Elemental Live `onCuePoint` (Azure Media Services timed-metadata spec, §2.1.4). */
function onCuePointScte35(cue: Scte35Cue, timeMs: number): Amf0Value[] {
  const parameters: Amf0Object = {};
  if (cue.spliceInsert) {
    parameters['id'] = String(cue.spliceInsert.eventId);
    parameters['duration'] = seconds(cue.spliceInsert.breakDurationSeconds);
    parameters['splice_command_type'] = 'splice_insert';
    parameters['out_of_network'] = String(cue.spliceInsert.outOfNetwork);
  } else {
    const seg = liveSegments(cue)[0];
    parameters['id'] = String(seg?.eventId ?? 0);
    parameters['duration'] = seconds(seg?.durationSeconds);
    parameters['splice_command_type'] = 'time_signal';
    if (seg) parameters['segmentation_type_id'] = String(seg.typeId);
  }
  parameters['cue'] = cue.raw;
  return ['onCuePoint', { name: 'scte35', time: timeMs / 1000, type: 'event', parameters }];
}

/** The cue point an output with `format` writes for `cue`, or undefined when it writes nothing. */
export function cuePointFor(format: AdMarkers, cue: Scte35Cue): CuePoint | undefined {
  if (format === 'none') return undefined;
  const time = cueTime(cue);
  if (time === undefined) return undefined;
  if (format === 'youtube') {
    const values = youtube(cue);
    return values ? { time, values: () => values } : undefined;
  }
  return { time, values: (timeMs) => onCuePointScte35(cue, timeMs) };
}
