import { Inject, Injectable } from '@nestjs/common';
import { defaultSpawner, systemClock, type Clock, type Spawner } from '@mld/supervisor';
import { DomainError } from '../common/domain-error.js';
import { APP_CONFIG, type AppConfig } from '../config/app-config.js';
import { describeRunFailure, runBounded, type BoundedRunResult } from './bounded-child.js';
import { ACCEPTED_DESCRIPTION, ffprobeArgs, parseFfprobeJson, remuxArgs, type ProbeResult } from './media-probe.js';

/** ffprobe reads headers and a few seconds of packets (and the end of a TS for its duration). */
const PROBE_TIMEOUT_MS = 30_000;
/** A tool that ignores SIGTERM this long is killed. */
const STOP_GRACE_MS = 3_000;
/** Far more than ffprobe's JSON for a few streams (FFmpeg prints nothing on stdout here). */
const MAX_STDOUT_BYTES = 1024 * 1024;
/** A copy remux runs at disk speed; 10 MB/s is a slow disk, plus a minute to start. */
const remuxTimeoutMs = (sizeBytes: number) => 60_000 + Math.ceil(sizeBytes / 10_000_000) * 1000;

export const MEDIA_SPAWNER = Symbol('MEDIA_SPAWNER');
export const MEDIA_CLOCK = Symbol('MEDIA_CLOCK');

/**
 * The side effects of the library's tools: ffprobe and one-off FFmpeg remuxes, each a bounded
 * child under the supervisor's spawner. Tool messages never carry our paths (the file is "the file").
 */
@Injectable()
export class MediaTools {
  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(MEDIA_SPAWNER) private readonly spawner: Spawner,
    @Inject(MEDIA_CLOCK) private readonly clock: Clock,
  ) {}

  /** What the file is. 415 when ffprobe cannot read it as media; 503 when ffprobe cannot run. */
  async probe(path: string): Promise<ProbeResult> {
    const result = await this.run(this.config.ffprobePath, ffprobeArgs(path), PROBE_TIMEOUT_MS);
    const failure = this.failure('ffprobe', result, PROBE_TIMEOUT_MS, path);
    const probe = failure === undefined ? parseFfprobeJson(result.stdout) : null;
    if (probe) return probe;
    const why = failure ?? 'ffprobe did not describe it';
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `the file is not a media file ffprobe recognises (${why}); ${ACCEPTED_DESCRIPTION}`, [{ field: 'file', message: why }]);
  }

  /** MP4/MOV → MPEG-TS, streams copied as they are. 415 when FFmpeg refuses the file. */
  async remuxToTs(input: string, output: string, sizeBytes: number): Promise<void> {
    const timeoutMs = remuxTimeoutMs(sizeBytes);
    const result = await this.run(this.config.ffmpegPath, remuxArgs(input, output), timeoutMs);
    const failure = this.failure('ffmpeg', result, timeoutMs, input, output);
    if (failure !== undefined) throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `the file could not be remuxed to MPEG-TS without transcoding (${failure}); ${ACCEPTED_DESCRIPTION}`, [{ field: 'file', message: failure }]);
  }

  private run(command: string, args: string[], timeoutMs: number): Promise<BoundedRunResult> {
    return runBounded(this.spawner, this.clock, { command, args, timeoutMs, graceMs: STOP_GRACE_MS, maxStdoutBytes: MAX_STDOUT_BYTES });
  }

  /** The failure sentence with our paths replaced; a tool that cannot run at all is a 503. */
  private failure(tool: string, result: BoundedRunResult, timeoutMs: number, ...paths: string[]): string | undefined {
    if (result.spawnError !== undefined || result.timedOut) {
      throw new DomainError('UNAVAILABLE', `${describeRunFailure(tool, result, timeoutMs) ?? tool}; nothing was stored, try again`);
    }
    let text = describeRunFailure(tool, result, timeoutMs);
    for (const path of paths) text = text?.replaceAll(`file:${path}`, 'the file').replaceAll(path, 'the file');
    return text;
  }
}

export const mediaToolProviders = [
  { provide: MEDIA_SPAWNER, useFactory: (): Spawner => defaultSpawner() },
  { provide: MEDIA_CLOCK, useValue: systemClock },
  MediaTools,
];
