// Loss on two network paths that carry the same RTP stream (SMPTE 2022-7 style): each path
// drops its own datagrams, never the same ones, so a merge of the two can recover everything.
// Deterministic (seeded), so a failure reproduces with the same drops.

/** mulberry32: a tiny seeded PRNG, good enough to scatter drops. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Two disjoint sets of datagram indices in [guard, count - guard), each about `fraction` of
 * `count`. The first and last `guard` datagrams reach both paths: the merge starts at the first
 * datagram it sees and a receiver cannot know a datagram after the last was missing.
 */
export function disjointDropPatterns(count: number, fraction: number, seed: number, guard = 20): [Set<number>, Set<number>] {
  if (!(fraction > 0 && fraction < 0.5)) throw new RangeError('fraction must be in (0, 0.5)');
  const random = prng(seed);
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
