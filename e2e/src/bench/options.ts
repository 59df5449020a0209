// Command line of `npm run bench -- …` (documented in docs/benchmark.md).

export interface BenchConfig {
  channels: number;
  /** Outputs per channel besides RTMP: SRT, UDP, SRT, UDP, … */
  outputs: number;
}

/** What feeds each channel: RTP from the paced sender (the default), or one of the other input kinds. */
export const INPUT_KINDS = ['rtp', 'srt', 'rtmp', 'file'] as const;
export type InputKind = (typeof INPUT_KINDS)[number];

export interface BenchOptions {
  configs: BenchConfig[];
  input: InputKind;
  rtp: boolean;
  rtmp: boolean;
  seconds: number;
  bitrate: number;
  latencyMs: number;
  reference: boolean;
  /** Length of each cost-split phase (outputs removed step by step); 0 turns the phases off. */
  phaseSeconds: number;
  json?: string;
  findMax: boolean;
  maxMinutes: number;
  feedSeconds: number;
  /**
   * Main/backup (issue #12): every channel gets an RTP backup input fed by its own sender; the
   * run adds the hot-standby cost phases and, after the configurations, the switch-time loop.
   */
  backup: boolean;
  /** Emergency switches (main silenced, then back) in the --backup switch-time loop. */
  switches: number;
  help: boolean;
}

export const USAGE = `npm run bench -- [options]

  --channels N          channels (default 1)
  --outputs M           outputs per channel, alternating SRT, UDP, SRT, UDP, … (default 2)
  --rtp                 the UDP outputs send RTP instead of raw UDP
  --rtmp                add one RTMP output per channel, pushed to a local nginx-rtmp
  --input KIND          what feeds each channel: rtp (default), srt, rtmp or file; for srt, rtmp and
                        file the input is also measured against its bare tool (see docs/benchmark.md)
  --seconds T           measured run per configuration, first 2 s not counted (default 20)
  --bitrate B           feed mux rate: 8M, 8000k, 8000000 or 8 (= Mbit/s) (default 8M)
  --srt-latency-ms L    SRT latency of every SRT output and receiver (default 120)
  --matrix 1x2,4x3      several configurations (CHANNELSxOUTPUTS) in one invocation
  --no-reference        skip the bare srt-live-transmit reference run
  --phase-seconds P     length of each cost-split phase after the main run (default 10; 0 = off)
  --json FILE           write every measurement as JSON
  --find-max            grow 1x2, 2x3, 4x3, 6x3, 8x3, … until a configuration loses data
  --max-minutes X       time budget of --find-max (default 10)
  --feed-seconds S      length of the looped test feed (default 10)
  --backup              main/backup inputs: each channel also gets an RTP backup input fed by its
                        own sender; measures the hot-standby cost, then the time of emergency
                        switches on one channel (see docs/benchmark.md)
  --switches N          emergency switches in the --backup switch-time loop (default 20)
  --help                this text
`;

export function parseBitrate(text: string): number {
  const m = /^(\d+(?:\.\d+)?)([kKmM]?)$/.exec(text.trim());
  if (!m) throw new Error(`--bitrate: cannot read "${text}" (use 8M, 8000k or 8000000)`);
  const n = Number(m[1]);
  const unit = m[2]!.toLowerCase();
  const bps = unit === 'm' ? n * 1e6 : unit === 'k' ? n * 1e3 : n < 1000 ? n * 1e6 : n;
  if (bps < 500_000 || bps > 100_000_000) throw new Error(`--bitrate must be between 0.5 and 100 Mbit/s, got ${bps}`);
  return Math.round(bps);
}

export function parseInputKind(text: string): InputKind {
  const kind = text.trim().toLowerCase();
  if (!(INPUT_KINDS as readonly string[]).includes(kind)) throw new Error(`--input must be one of ${INPUT_KINDS.join(', ')}, got "${text}"`);
  return kind as InputKind;
}

export function parseConfig(text: string): BenchConfig {
  const m = /^(\d+)x(\d+)$/i.exec(text.trim());
  if (!m) throw new Error(`configuration "${text}" is not CHANNELSxOUTPUTS (e.g. 4x3)`);
  const c = { channels: Number(m[1]), outputs: Number(m[2]) };
  checkConfig(c);
  return c;
}

function checkConfig(c: BenchConfig): void {
  if (!Number.isInteger(c.channels) || c.channels < 1 || c.channels > 64) throw new Error(`channels must be 1–64, got ${c.channels}`);
  if (!Number.isInteger(c.outputs) || c.outputs < 0 || c.outputs > 32) throw new Error(`outputs per channel must be 0–32, got ${c.outputs}`);
}

export function parseArgs(argv: readonly string[]): BenchOptions {
  const o: BenchOptions = {
    configs: [],
    input: 'rtp',
    rtp: false,
    rtmp: false,
    seconds: 20,
    bitrate: 8_000_000,
    latencyMs: 120,
    reference: true,
    phaseSeconds: 10,
    findMax: false,
    maxMinutes: 10,
    feedSeconds: 10,
    backup: false,
    switches: 20,
    help: false,
  };
  let channels = 1;
  let outputs = 2;
  let matrix: BenchConfig[] | undefined;
  const args = [...argv];
  const value = (name: string): string => {
    const v = args.shift();
    if (v === undefined || v.startsWith('--')) throw new Error(`${name} needs a value`);
    return v;
  };
  const number = (name: string, min: number, max: number): number => {
    const raw = value(name);
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) throw new Error(`${name} must be a number from ${min} to ${max}, got "${raw}"`);
    return n;
  };
  while (args.length > 0) {
    const raw = args.shift()!;
    const [flag, inline] = raw.includes('=') ? [raw.slice(0, raw.indexOf('=')), raw.slice(raw.indexOf('=') + 1)] : [raw, undefined];
    if (inline !== undefined) args.unshift(inline);
    switch (flag) {
      case '--channels':
        channels = number(flag, 1, 64);
        break;
      case '--outputs':
        outputs = number(flag, 0, 32);
        break;
      case '--rtp':
        o.rtp = true;
        break;
      case '--rtmp':
        o.rtmp = true;
        break;
      case '--input':
        o.input = parseInputKind(value(flag));
        break;
      case '--seconds':
        o.seconds = number(flag, 5, 3600);
        break;
      case '--bitrate':
        o.bitrate = parseBitrate(value(flag));
        break;
      case '--srt-latency-ms':
        o.latencyMs = number(flag, 20, 8000);
        break;
      case '--matrix':
        matrix = value(flag)
          .split(',')
          .filter((s) => s.trim() !== '')
          .map(parseConfig);
        break;
      case '--no-reference':
        o.reference = false;
        break;
      case '--phase-seconds':
        o.phaseSeconds = number(flag, 0, 600);
        break;
      case '--json':
        o.json = value(flag);
        break;
      case '--find-max':
        o.findMax = true;
        break;
      case '--max-minutes':
        o.maxMinutes = number(flag, 1, 240);
        break;
      case '--feed-seconds':
        o.feedSeconds = number(flag, 4, 120);
        break;
      case '--backup':
        o.backup = true;
        break;
      case '--switches':
        o.switches = number(flag, 1, 200);
        if (!Number.isInteger(o.switches)) throw new Error(`--switches must be a whole number, got ${o.switches}`);
        break;
      case '--help':
      case '-h':
        o.help = true;
        break;
      default:
        throw new Error(`unknown option "${raw}" (see --help)`);
    }
  }
  const single = { channels, outputs };
  checkConfig(single);
  o.configs = matrix ?? [single];
  if (o.configs.length === 0) throw new Error('--matrix lists no configuration');
  // The sweep's stopping rules (SRT latency, ingest rate) were made for RTP inputs.
  if (o.findMax && o.input !== 'rtp') throw new Error(`--find-max runs with RTP inputs only (got --input ${o.input})`);
  // The pair is two paced RTP senders; the sweep has no phases to split the standby cost with.
  if (o.backup && o.input !== 'rtp') throw new Error(`--backup runs with RTP inputs only (got --input ${o.input})`);
  if (o.backup && o.findMax) throw new Error('--backup cannot be combined with --find-max');
  return o;
}

/** SRT, UDP, SRT, UDP, … for output j of a channel. */
export function outputKind(j: number): 'srt' | 'udp' {
  return j % 2 === 0 ? 'srt' : 'udp';
}

export function configLabel(c: BenchConfig): string {
  return `${c.channels}x${c.outputs}`;
}

/** The configurations --find-max tries, in order. */
export const FIND_MAX_STEPS: BenchConfig[] = [
  [1, 2],
  [2, 3],
  [4, 3],
  [6, 3],
  [8, 3],
  [12, 3],
  [16, 3],
  [24, 3],
  [32, 3],
  [48, 3],
  [64, 3],
].map(([channels, outputs]) => ({ channels: channels!, outputs: outputs! }));
