// The MediaLive-like feed every data-plane test sends: FFmpeg CBR H.264/AAC with null packets,
// plus SCTE-35 (splice_insert / time_signal) on PID 0x1F6 that FFmpeg cannot write itself.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type FixtureManifest, makeFixture } from '@mld/mpegts/fixtures';
import { TS_PACKET_SIZE } from '@mld/mpegts';

export interface TestFeedOptions {
  seconds: number;
  /** TS mux rate in bits/s (FFmpeg fills up to it with null packets). Default 8 Mbit/s. */
  bitrate?: number;
  cueIntervalSeconds?: number;
  /** Where `<name>.ts` goes; default a temp dir of this process, removed when it exits. */
  dir?: string;
  width?: number;
  height?: number;
}

export interface FeedCue {
  index: number;
  kind: 'splice_insert' | 'time_signal';
  eventId: number;
  /** Splice time, 90 kHz. */
  ptsTime: number;
  streamSeconds: number;
  /** First packet of the cue in the feed, and the same as a byte offset. */
  packetIndex: number;
  byteOffset: number;
  /** The splice_info_section exactly as inserted (CRC included). */
  section: Buffer;
}

export interface TestFeed {
  path: string;
  ts: Buffer;
  cues: FeedCue[];
  scte35Pid: number;
  bitrate: number;
  manifest: FixtureManifest;
}

const cache = new Map<string, Promise<TestFeed>>();
let defaultDir: string | undefined;

/** Builds the feed once per distinct options in this process (tests call it repeatedly). */
export function makeTestFeed(opts: TestFeedOptions): Promise<TestFeed> {
  const bitrate = opts.bitrate ?? 8_000_000;
  const cueIntervalSeconds = opts.cueIntervalSeconds ?? 2;
  const dir = opts.dir ?? processTempDir();
  const key = JSON.stringify([opts.seconds, bitrate, cueIntervalSeconds, dir, opts.width, opts.height]);
  let feed = cache.get(key);
  if (!feed) {
    const name = `feed-${opts.seconds}s-${bitrate}-${cueIntervalSeconds}-${opts.width ?? 1280}x${opts.height ?? 720}`;
    feed = build({ ...opts, bitrate, cueIntervalSeconds, dir }, name);
    cache.set(key, feed);
    // A failed build must not poison later calls.
    feed.catch(() => cache.delete(key));
  }
  return feed;
}

async function build(opts: Required<Pick<TestFeedOptions, 'seconds' | 'bitrate' | 'cueIntervalSeconds' | 'dir'>> & TestFeedOptions, name: string): Promise<TestFeed> {
  const { tsPath, manifest } = await makeFixture({
    outDir: opts.dir,
    name,
    seconds: opts.seconds,
    bitrate: opts.bitrate,
    cueIntervalSeconds: opts.cueIntervalSeconds,
    width: opts.width,
    height: opts.height,
    timeoutMs: Math.max(30_000, opts.seconds * 5_000),
  });
  return {
    path: tsPath,
    ts: readFileSync(tsPath),
    scte35Pid: manifest.scte35Pid,
    bitrate: opts.bitrate,
    manifest,
    cues: manifest.cues.map(({ base64, ...cue }) => ({
      ...cue,
      byteOffset: cue.packetIndex * TS_PACKET_SIZE,
      section: Buffer.from(base64, 'base64'),
    })),
  };
}

function processTempDir(): string {
  if (!defaultDir) {
    const dir = mkdtempSync(join(tmpdir(), 'mld-feed-'));
    defaultDir = dir;
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  }
  return defaultDir;
}
