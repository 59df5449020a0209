import { Injectable } from '@nestjs/common';
import type { PictureHealth } from '@mld/contracts';
import { PictureCheck, type PictureTransition } from '@mld/dataplane';
import { DomainEvents } from '../events/domain-events.js';
import { ChannelCatalog } from './channel-catalog.js';

/** Nobody looked at a thumbnail of the channel for this long: its picture verdict is dropped (ADR 0018). */
export const PICTURE_WATCH_EXPIRY_MS = 60_000;

interface Watched {
  check: PictureCheck;
  /** Wall time of the last sample: the verdict holds only while someone keeps looking. */
  lastSampleAt: number;
}

const round = (v: number): number => Math.round(v * 10) / 10;
const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/**
 * Black and frozen picture per channel, from the gray copies the thumbnails' FFmpeg runs write
 * (no decode of its own: the check costs nothing when nobody looks). Transitions become
 * input.video_black / input.video_frozen / input.video_ok events; the verdict is part of the
 * channel's runtime (`picture`) and makes a receiving input `degraded`.
 */
@Injectable()
export class PictureWatchService {
  private readonly watched = new Map<string, Watched>();

  constructor(
    private readonly events: DomainEvents,
    private readonly catalog: ChannelCatalog,
  ) {}

  /** A key frame's gray copy (arrival time `at`, the data plane's clock) was decoded for a thumbnail. */
  observe(channelId: string, at: number, luma: Uint8Array, now = Date.now()): void {
    let w = this.watched.get(channelId);
    if (!w || now - w.lastSampleAt > PICTURE_WATCH_EXPIRY_MS) {
      w = { check: new PictureCheck(), lastSampleAt: now };
      this.watched.set(channelId, w);
    }
    w.lastSampleAt = now;
    for (const t of w.check.push({ at, luma })) this.announce(channelId, t);
  }

  /** The verdict, or null when nobody looked for a minute (or the channel is not running). */
  picture(channelId: string, now = Date.now()): PictureHealth | null {
    const w = this.watched.get(channelId);
    if (!w) return null;
    if (now - w.lastSampleAt > PICTURE_WATCH_EXPIRY_MS) {
      this.watched.delete(channelId);
      return null;
    }
    const s = w.check.snapshot;
    const state: PictureHealth['state'] = s.black ? 'black' : s.frozen ? 'frozen' : s.last?.mad === null || s.last === null ? 'unknown' : 'ok';
    return {
      state,
      since: iso(s.since),
      checked_at: iso(s.checkedAt),
      samples: s.samples,
      mean_luma: s.last ? round(s.last.mean) : null,
      luma_std_dev: s.last ? round(s.last.stdDev) : null,
      change: s.last?.mad === null || s.last === null ? null : round(s.last.mad),
    };
  }

  /** The channel stopped (or its pipeline went away): start from nothing next time, without an event. */
  forget(channelId: string): void {
    this.watched.delete(channelId);
  }

  private announce(channelId: string, t: PictureTransition): void {
    const name = this.catalog.view(channelId)?.name ?? channelId;
    const forMs = Math.max(0, t.at - t.since);
    const what = t.condition === 'black' ? 'black picture' : 'frozen picture';
    this.events.publish('runtime.input_event', {
      channelId,
      channelName: name,
      kind: t.raised ? (t.condition === 'black' ? 'video_black' : 'video_frozen') : 'video_ok',
      level: t.raised ? 'warn' : 'info',
      message: t.raised
        ? `${what} for ${(forMs / 1000).toFixed(1)} s (mean luma ${t.stats.mean.toFixed(0)}${t.stats.mad !== null ? `, change ${t.stats.mad.toFixed(1)}` : ''})`
        : `picture good again after ${(forMs / 1000).toFixed(1)} s of ${what}`,
      peer: null,
      details: { condition: t.condition, since: new Date(t.since).toISOString(), duration_ms: forMs, mean_luma: round(t.stats.mean), luma_std_dev: round(t.stats.stdDev), change: t.stats.mad === null ? null : round(t.stats.mad) },
    });
  }
}
