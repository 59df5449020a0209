// Short-hand builders for the three cues fixtures and tests need; defaults follow what
// MediaLive-style encoders send (program splice, CUEI identifier, reserved bits set).
import { encodeSpliceInfoSection } from './scte35-encoder.js';
import type { DeliveryRestrictions, SegmentationDescriptor, SpliceDescriptor } from './scte35-types.js';

export interface SectionCommonOptions {
  ptsAdjustment?: number;
  tier?: number;
}

export function buildSpliceNull(opts: SectionCommonOptions = {}): Buffer {
  return encodeSpliceInfoSection({ ...opts, command: { type: 'splice_null' } });
}

export interface SpliceInsertOptions extends SectionCommonOptions {
  spliceEventId: number;
  /** Default true: leaving the network feed for an ad break. */
  outOfNetwork?: boolean;
  /** 90 kHz splice time; omit for an immediate splice. */
  ptsTime?: number;
  /** 90 kHz ticks. */
  breakDuration?: number;
  /** Default true when a break duration is given. */
  autoReturn?: boolean;
  uniqueProgramId?: number;
  availNum?: number;
  availsExpected?: number;
  cancel?: boolean;
  descriptors?: readonly SpliceDescriptor[];
}

export function buildSpliceInsert(opts: SpliceInsertOptions): Buffer {
  const { ptsAdjustment, tier, descriptors } = opts;
  return encodeSpliceInfoSection({
    ptsAdjustment,
    tier,
    descriptors,
    command: {
      type: 'splice_insert',
      spliceEventId: opts.spliceEventId,
      spliceEventCancel: opts.cancel ?? false,
      outOfNetwork: opts.outOfNetwork ?? true,
      programSplice: true,
      spliceImmediate: opts.ptsTime === undefined,
      ptsTime: opts.ptsTime,
      breakDuration:
        opts.breakDuration === undefined ? undefined : { autoReturn: opts.autoReturn ?? true, duration: opts.breakDuration },
      uniqueProgramId: opts.uniqueProgramId ?? 0,
      availNum: opts.availNum ?? 0,
      availsExpected: opts.availsExpected ?? 0,
    },
  });
}

export interface SegmentationOptions {
  segmentationEventId: number;
  segmentationTypeId: number;
  upidType?: number;
  upid?: Uint8Array;
  /** 90 kHz ticks. */
  segmentationDuration?: number;
  segmentNum?: number;
  segmentsExpected?: number;
  subSegmentNum?: number;
  subSegmentsExpected?: number;
  /** Omit for "delivery not restricted". */
  deliveryRestrictions?: DeliveryRestrictions;
  cancel?: boolean;
}

export function segmentationDescriptor(o: SegmentationOptions): SegmentationDescriptor {
  return {
    type: 'segmentation',
    identifier: 'CUEI',
    segmentationEventId: o.segmentationEventId,
    segmentationEventCancel: o.cancel ?? false,
    programSegmentation: true,
    deliveryRestrictions: o.deliveryRestrictions,
    segmentationDuration: o.segmentationDuration,
    upidType: o.upidType ?? 0,
    upid: Buffer.from(o.upid ?? []),
    segmentationTypeId: o.segmentationTypeId,
    segmentNum: o.segmentNum ?? 0,
    segmentsExpected: o.segmentsExpected ?? 0,
    subSegmentNum: o.subSegmentNum,
    subSegmentsExpected: o.subSegmentsExpected,
  };
}

export interface TimeSignalOptions extends SectionCommonOptions {
  /** 90 kHz splice time; omit for time_specified_flag 0. */
  ptsTime?: number;
  segmentation?: readonly SegmentationOptions[];
}

export function buildTimeSignal(opts: TimeSignalOptions): Buffer {
  return encodeSpliceInfoSection({
    ptsAdjustment: opts.ptsAdjustment,
    tier: opts.tier,
    command: { type: 'time_signal', ptsTime: opts.ptsTime },
    descriptors: (opts.segmentation ?? []).map(segmentationDescriptor),
  });
}
