import type { Scte35Cue } from './scte35-cue.js';

/** The latest SCTE-35 cues of a channel (bounded) and counters over all of them. */
export class CueLog {
  private readonly cues: Scte35Cue[] = [];
  private count = 0;
  private crcErrors = 0;
  private decodeErrors = 0;
  private lastCueAt: number | null = null;

  constructor(private readonly max: number) {}

  add(cue: Scte35Cue): void {
    this.count++;
    this.lastCueAt = cue.at;
    if (!cue.crcValid) this.crcErrors++;
    if (cue.decodeError !== undefined) this.decodeErrors++;
    this.cues.push(cue);
    if (this.cues.length > this.max) this.cues.shift();
  }

  /** The last `n` cues, oldest first. */
  recent(n: number): Scte35Cue[] {
    return n <= 0 ? [] : this.cues.slice(-n);
  }

  counters(): { cues: number; crcErrors: number; decodeErrors: number; lastCueAt: number | null } {
    return { cues: this.count, crcErrors: this.crcErrors, decodeErrors: this.decodeErrors, lastCueAt: this.lastCueAt };
  }
}
