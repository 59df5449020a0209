import { formatUrlHost, MASK } from '@mld/contracts';
import type { SrtInputConfig } from '../../types.js';

export const SRT_LIVE_TRANSMIT = 'srt-live-transmit';

/**
 * JSON statistics every this many SRT packets: ≈ 0.65 s at 8 Mbit/s (≈ 760 packets/s), slower
 * at lower rates. srt-live-transmit counts packets, not time, and prints nothing without data.
 */
export const SRT_INPUT_STATS_EVERY_PACKETS = 500;

/** libsrt refuses passphrases outside 10..79 characters (SRTO_PASSPHRASE). */
const PASSPHRASE_LENGTH = { min: 10, max: 79 };

/**
 * srt-live-transmit receiving one SRT connection and writing its payload, the TS as sent, to
 * stdout (`file://con`): a byte relay that never demuxes, so every PID and SCTE-35 section
 * arrives intact. Measured with srt-tools 1.5.1 (ADR 0011):
 * - `-a:yes` (auto-reconnect): a listener that loses its caller opens the port again at once and
 *   waits for the next one; a caller that loses (or cannot reach) its listener calls again
 *   (every 3 s, libsrt's connect timeout). The child only exits on real errors.
 * - `-v`: srt-live-transmit then gives the errno of a failed bind ("ERROR #1003.98": port taken;
 *   .99: not an address of this host); it also prints the URI's parameters, passphrase included,
 *   which the redactor masks like every line.
 * - `-loglevel:note`: libsrt then names each caller ("PASSING request from: 10.1.2.3:5000") and
 *   why it refused one ("rsp(REJECT): 1010 - Incorrect passphrase"); at the default `warn` the
 *   refusal is printed without the address.
 * - Statistics cannot go to stdout (the TS is there: srt-live-transmit refuses the combination)
 *   nor to /dev/stderr (a socket under Node): they go to `statsPath`, a named pipe (srt-stats-pipe.ts).
 *   `-f`: totals since the connection started instead of per-report counters. Without a path, none.
 * - `latency` in the URI is milliseconds, as in our config (FFmpeg's libsrt option is µs).
 * The passphrase and stream id must be in argv: docs/secrets-on-command-lines.md.
 */
export function buildSrtInputArgs(input: SrtInputConfig, statsPath: string | null): string[] {
  const stats = statsPath === null ? [] : [`-s:${SRT_INPUT_STATS_EVERY_PACKETS}`, '-pf:json', '-f', `-statsout:${statsPath}`];
  return ['-a:yes', '-v', '-loglevel:note', ...stats, srtInputUri(input), 'file://con'];
}

/**
 * The child to run: srt-live-transmit under `stdbuf -o0`. It writes the TS with `cout.write`, which
 * stdio buffers fully on a pipe: 64 KiB under Node (measured: output arrived in 65,536-byte
 * steps), i.e. 65 ms of delay at 8 Mbit/s, over a second at 500 kbit/s, and a tail of the old
 * stream held back until the next caller sends. Unbuffered, each SRT packet is written as it
 * arrives; measured cheaper for Node too (fewer, evenly sized reads), the child's cost unchanged.
 */
export function srtInputCommand(input: SrtInputConfig, statsPath: string | null, tool = SRT_LIVE_TRANSMIT): { command: string; args: string[] } {
  return { command: 'stdbuf', args: ['-o0', tool, ...buildSrtInputArgs(input, statsPath)] };
}

/** The `srt://` URI srt-live-transmit reads the input from. Throws on a config it cannot express. */
export function srtInputUri(input: SrtInputConfig): string {
  assertValid(input);
  // Not URLSearchParams: srt-live-transmit does not percent-decode, values go in as they are.
  const params: string[] = [`mode=${input.mode}`, `latency=${input.latencyMs}`];
  if (input.passphrase !== null) params.push(`passphrase=${input.passphrase}`);
  if (input.pbkeylen !== null) params.push(`pbkeylen=${input.pbkeylen}`);
  let host: string;
  if (input.mode === 'listener') {
    host = isAnyAddress(input.bindIp) ? '' : formatUrlHost(input.bindIp);
  } else {
    host = formatUrlHost(input.host ?? '');
    if (input.streamId !== null) params.push(`streamid=${input.streamId}`);
    // The local address to call from; without it the kernel picks one.
    if (!isAnyAddress(input.bindIp)) params.push(`adapter=${input.bindIp}`);
  }
  return `srt://${host}:${input.port}?${params.join('&')}`;
}

/** Values that must never appear in logs, events, snapshots or error messages. */
export function srtInputSecrets(input: SrtInputConfig): string[] {
  return [input.passphrase, input.streamId].filter((s): s is string => s !== null && s !== '');
}

/** Masks the input's secrets wherever they appear (argv, srt-live-transmit's "Media path:" line). */
export function srtInputRedactor(input: SrtInputConfig): (text: string) => string {
  const secrets = srtInputSecrets(input).sort((a, b) => b.length - a.length);
  return (text) => {
    let out = text;
    // Same rule as outputRedactor: shorter values cannot be told from innocent text.
    for (const secret of secrets) if (secret.length >= 3) out = out.split(secret).join(MASK);
    return out;
  };
}

/** "listening on 0.0.0.0:9000" / "calling 10.1.2.3:9000": what no_signal means for this input. */
export function describeSrtInput(input: SrtInputConfig): string {
  return input.mode === 'listener' ? `listening on ${formatUrlHost(input.bindIp)}:${input.port}` : `calling ${formatUrlHost(input.host ?? '')}:${input.port}`;
}

function isAnyAddress(ip: string): boolean {
  return ip === '' || ip === '0.0.0.0' || ip === '::';
}

function assertValid(input: SrtInputConfig): void {
  const problems: string[] = [];
  // srt-live-transmit itself refuses ports below 1024 ("Port value invalid"), in both modes.
  if (!Number.isInteger(input.port) || input.port < 1024 || input.port > 65535) problems.push(`port must be 1024-65535 (srt-live-transmit refuses lower ports), got ${input.port}`);
  if (!Number.isInteger(input.latencyMs) || input.latencyMs < 0) problems.push(`latencyMs must be a whole number of milliseconds >= 0, got ${input.latencyMs}`);
  if (input.mode === 'caller' && !input.host) problems.push('a caller needs the host to call');
  for (const [name, value] of [['host', input.host], ['bindIp', input.bindIp]] as const) {
    // Written into the URI's authority as it is: only what addresses and host names are made of.
    if (value && !/^[A-Za-z0-9._:%-]+$/.test(value)) problems.push(`${name} is not an address or host name: ${JSON.stringify(value)}`);
  }
  if (input.passphrase !== null) {
    const n = [...input.passphrase].length;
    if (n < PASSPHRASE_LENGTH.min || n > PASSPHRASE_LENGTH.max) problems.push(`passphrase must be ${PASSPHRASE_LENGTH.min}-${PASSPHRASE_LENGTH.max} characters, got ${n}`);
  }
  if (input.pbkeylen !== null && ![16, 24, 32].includes(input.pbkeylen)) problems.push(`pbkeylen must be 16, 24 or 32, got ${String(input.pbkeylen)}`);
  // "&" would end the value inside srt-live-transmit's URI parser; control characters have no place in argv.
  for (const [name, value] of [['passphrase', input.passphrase], ['streamId', input.streamId]] as const) {
    if (value !== null && /[&\u0000-\u001f\u007f]/.test(value)) problems.push(`${name} cannot contain "&" or control characters`);
  }
  if (problems.length > 0) throw new RangeError(`SRT input: ${problems.join('; ')}`);
}
