import type { Clock, Spawner } from '@mld/supervisor';
import type { OutputConfig } from '../types.js';
import { DEFAULT_TOOLS, type Egress, type EgressStateListener, type ToolPaths } from './egress.js';
import { buildFfmpegRtmpArgs } from './ffmpeg-rtmp-command.js';
import { ProcessEgress } from './process-egress.js';
import { RtmpOutputLink } from './rtmp/rtmp-output-link.js';
import { AD_MARKERS, type AdMarkers } from './rtmp/cue-points.js';
import { rtmpTarget, type RtmpConnector } from './rtmp/rtmp-target.js';
import { buildSrtLiveTransmitArgs } from './srt-command.js';
import { ffmpegParser, srtLiveTransmitParser } from './tool-parsers.js';
import { UdpEgress } from './udp-egress.js';

export interface EgressFactoryOptions {
  tools?: ToolPaths;
  spawner?: Spawner;
  stallTimeoutMs?: { srt?: number; rtmp?: number };
  /** How RTMP/RTMPS outputs open their connection (default node:net / node:tls with verification). */
  rtmpConnector?: RtmpConnector;
  onStateChange?: EgressStateListener;
  clock?: Clock;
}

/** The output's `ad_markers` option (validated by the API; anything else is 'none'). */
function adMarkersOf(config: OutputConfig): AdMarkers {
  const value = config.options['ad_markers'];
  return AD_MARKERS.find((m) => m === value) ?? 'none';
}

/** The right egress for the protocol; each output isolated in its own process or socket. */
export function createEgress(config: OutputConfig, options: EgressFactoryOptions = {}): Egress {
  const tools = options.tools ?? DEFAULT_TOOLS;
  switch (config.protocol) {
    case 'srt':
      return new ProcessEgress({
        config,
        command: tools.srtLiveTransmit,
        args: buildSrtLiveTransmitArgs(config),
        parser: srtLiveTransmitParser,
        connectedPattern: /SRT target connected|Accepted SRT target connection/i,
        readiness: 'connected',
        stdoutStats: 'srt',
        stallTimeoutMs: options.stallTimeoutMs?.srt ?? 10_000,
        ...(options.spawner ? { spawner: options.spawner } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}),
      });
    case 'rtmp':
    case 'rtmps':
      return new ProcessEgress({
        config,
        command: tools.ffmpeg,
        args: buildFfmpegRtmpArgs(config),
        parser: ffmpegParser,
        // FFmpeg writes FLV to stdout; the service publishes it (ADR 0007).
        stdoutSink: new RtmpOutputLink({ target: rtmpTarget(config), adMarkers: adMarkersOf(config), ...(options.rtmpConnector ? { connector: options.rtmpConnector } : {}) }),
        minSpeed: 0.9,
        slowTimeoutMs: 20_000,
        stallTimeoutMs: options.stallTimeoutMs?.rtmp ?? 20_000,
        ...(options.spawner ? { spawner: options.spawner } : {}),
        ...(options.clock ? { clock: options.clock } : {}),
        ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}),
      });
    case 'udp':
    case 'rtp':
      return new UdpEgress({ config, ...(options.onStateChange ? { onStateChange: options.onStateChange } : {}), ...(options.clock ? { clock: options.clock } : {}) });
  }
}
