// The supervised FFmpeg that encodes a slate (ADR 0016): started when the programme goes silent,
// stopped once the programme is back on air, so a slate costs CPU only while it is (about to be)
// shown. Like every child: an owner, SIGTERM then SIGKILL, restarted with backoff if it dies.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SupervisedProcess, type Clock, type ProcessState, type Spawner } from '@mld/supervisor';
import { ffmpegParser } from '../../egress/tool-parsers.js';
import { TsStreamChunker } from '../ts-stream-chunker.js';
import { buildSlateArgs, type SlatePicture, type SlateSpec } from './slate-command.js';
import { stdoutTaken } from '../stdout-taken.js';

/** A slate being encoded: TS on `onTs` from start() until stop(). */
export interface SlateGenerator {
  start(): void;
  stop(): Promise<void>;
  readonly state: ProcessState;
}

/** What to show: the admin's image (a media library file), black, or the built-in card. */
export type SlateArtwork = { kind: 'image'; path: string } | { kind: 'black' } | { kind: 'card'; title: string };

export type SlateFactory = (owner: string, spec: Omit<SlateSpec, 'picture'> & { artwork: SlateArtwork }, onTs: (chunk: Buffer) => void) => SlateGenerator;

export const DEFAULT_CARD_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
export const CARD_MESSAGE = "We'll be right back";

export interface SlateProcessDeps {
  ffmpegPath: string;
  spawner: Spawner;
  clock: Clock;
  /** The card's font; null or missing: the card is a plain colour. */
  fontFile: string | null;
  fontExists: (path: string) => boolean;
}

export function slateProcessFactory(deps: SlateProcessDeps): SlateFactory {
  return (owner, spec, onTs) => new SlateProcess(owner, spec, onTs, deps);
}

class SlateProcess implements SlateGenerator {
  private readonly process: SupervisedProcess;
  private readonly dir: string | null;

  constructor(owner: string, spec: Omit<SlateSpec, 'picture'> & { artwork: SlateArtwork }, onTs: (chunk: Buffer) => void, deps: SlateProcessDeps) {
    let picture: SlatePicture;
    const art = spec.artwork;
    this.dir = null;
    if (art.kind === 'card') {
      // The channel's name is operator text: it reaches FFmpeg as a file's content, never in the filter graph.
      this.dir = mkdtempSync(join(tmpdir(), 'mld-slate-'));
      const textFile = join(this.dir, 'card.txt');
      writeFileSync(textFile, `${art.title.replace(/[\u0000-\u001f\u007f]/g, ' ').slice(0, 80)}\n${CARD_MESSAGE}`, { mode: 0o600 });
      const font = deps.fontFile && deps.fontExists(deps.fontFile) ? deps.fontFile : null;
      picture = { kind: 'card', textFile, fontFile: font };
    } else if (art.kind === 'image') {
      picture = { kind: 'image', path: art.path, codec: imageCodecOf(art.path) };
    } else picture = art;
    const chunker = new TsStreamChunker(onTs);
    this.process = new SupervisedProcess({
      owner,
      command: deps.ffmpegPath,
      args: buildSlateArgs({ video: spec.video, audio: spec.audio, picture, ...(spec.muxDelaySeconds !== undefined ? { muxDelaySeconds: spec.muxDelaySeconds } : {}) }),
      parser: ffmpegParser,
      startupMs: 1000,
      readyOnProgress: true,
      stallTimeoutMs: 10_000,
      stopGraceMs: 2000,
      backoff: { baseMs: 500, factor: 2, capMs: 10_000, jitter: 'equal' },
      clock: deps.clock,
      spawner: {
        spawn: (request) => {
          const child = deps.spawner.spawn({ ...request, stdout: 'pipe' });
          chunker.reset();
          child.stdout?.on('data', (data: Buffer) => {
            chunker.push(data);
            this.process.reportProgress(data.length);
          });
          return stdoutTaken(child);
        },
      },
    });
  }

  get state(): ProcessState {
    return this.process.state;
  }

  start(): void {
    this.process.start();
  }

  async stop(): Promise<void> {
    await this.process.stop();
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

/** PNG or JPEG, from the file's first bytes (JPEG when it is not a PNG: the library accepts only these two). */
function imageCodecOf(path: string): 'png' | 'mjpeg' {
  const head = Buffer.alloc(4);
  try {
    const fd = openSync(path, 'r');
    try {
      readSync(fd, head, 0, 4, 0);
    } finally {
      closeSync(fd);
    }
  } catch {
    // FFmpeg reports the missing file; the supervisor retries with backoff.
  }
  return head.readUInt32BE(0) === 0x89504e47 ? 'png' : 'mjpeg';
}
