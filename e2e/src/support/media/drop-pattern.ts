// Loss on two network paths that carry the same RTP stream (SMPTE 2022-7 style): each path
// drops its own datagrams, never the same ones, so a merge of the two can recover everything.
// Deterministic (seeded), so a failure reproduces with the same drops.

import { mulberry32 } from './seeded-random.js';

/**
 * Two disjoint sets of datagram indices in [guard, count - guard), each about `fraction` of
 * `count`. The first and last `guard` datagrams reach both paths: the merge starts at the first
 * datagram it sees and a receiver cannot know a datagram after the last was missing.
 */
export function disjointDropPatterns(count: number, fraction: number, seed: number, guard = 20): [Set<number>, Set<number>] {
  if (!(fraction > 0 && fraction < 0.5)) throw new RangeError('fraction must be in (0, 0.5)');
  const random = mulberry32(seed);
  const a = new Set<number>();
  const b = new Set<number>();
  for (let i = guard; i < count - guard; i++) {
    const r = random();
    if (r < fraction) a.add(i);
    else if (r < 2 * fraction) b.add(i);
  }
  return [a, b];
}

/** Datagrams a sender of `packetsPerDatagram` TS packets makes of a feed of `bytes` (the last one may be short). */
export function datagramCount(bytes: number, packetsPerDatagram = 7): number {
  return Math.ceil(bytes / (188 * packetsPerDatagram));
}
