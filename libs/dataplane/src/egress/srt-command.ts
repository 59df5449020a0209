import { formatUrlHost } from '@mld/contracts';
import type { OutputConfig } from '../types.js';

/** TS packets per SRT packet: 7 × 188 = 1316 bytes, what every TS-over-SRT receiver expects. */
export const SRT_CHUNK = 1316;

const PASSED_THROUGH = ['passphrase', 'pbkeylen', 'streamid', 'maxbw', 'oheadbw', 'conntimeo', 'payloadsize', 'adapter'] as const;

/**
 * srt-live-transmit reading TS on stdin and relaying it byte for byte (no demux, so every PID,
 * PCR, null packet and SCTE-35 section arrives as sent). `latency` is in milliseconds in our
 * API and in srt-live-transmit's URI alike (FFmpeg would want microseconds). `-a:no` makes a
 * lost connection end the process, so the supervisor's backoff and state show it.
 */
export function buildSrtLiveTransmitArgs(config: OutputConfig): string[] {
  const mode = String(config.options['mode'] ?? 'caller');
  // Not URLSearchParams: srt-live-transmit does not percent-decode, so values go in as they are
  // (validation refuses "&", spaces and control characters in them).
  const params: string[] = [`mode=${mode}`];
  if (config.options['latency'] !== undefined) params.push(`latency=${config.options['latency']}`);
  for (const name of PASSED_THROUGH) {
    const value = config.options[name];
    if (value !== undefined) params.push(`${name}=${value}`);
  }
  const host = mode === 'listener' && config.host === '0.0.0.0' ? '' : formatUrlHost(config.host);
  const target = `srt://${host}:${config.port}?${params.join('&')}`;
  // JSON statistics every 500 packets (≈ 0.6 s at 8 Mbit/s) on stdout, which is free: the output is SRT.
  return ['-a:no', `-chunk:${SRT_CHUNK}`, '-loglevel:warn', '-s:500', '-pf:json', 'file://con', target];
}
