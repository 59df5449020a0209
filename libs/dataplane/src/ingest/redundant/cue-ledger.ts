// SCTE-35 across a switch: two encoders of one programme insert the same cue, each on its own
// clock, so around a switch a cue can reach the output twice (sent by the old input just
// before, by the new one just after) or not at all (the new input had it just before the
// switch, the old one never sent it). The ledger remembers, for a short window, which cues went
// out and which the standby input carried: the new input's copy of a cue already sent is left
// out, and a cue only the standby had is sent at the switch. Repeats from one input (encoders
// send a cue several times on purpose) pass as they are.
import { decodeSpliceInfoSection } from '@mld/mpegts';

interface Entry {
  key: string;
  at: number;
  input: number;
}

interface StandbyCue extends Entry {
  section: Buffer;
  pid: number;
}

/** Keep the standby log of a few cues only: a flood of sections must not grow memory. */
const MAX_ENTRIES = 64;

/** Which cue a section is: splice_event_id / segmentation_event_id, else its bytes. */
export function cueIdentity(section: Buffer): string {
  const r = decodeSpliceInfoSection(section);
  if (r.ok) {
    const c = r.value.command;
    if (c.type === 'splice_insert') return `insert:${c.spliceEventId}:${c.spliceEventCancel ? 1 : 0}:${c.outOfNetwork ? 1 : 0}`;
    if (c.type === 'splice_null') return 'null';
    const seg = r.value.descriptors.flatMap((d) => (d.type === 'segmentation' ? [`${d.segmentationEventId}/${d.segmentationTypeId}/${d.segmentationEventCancel ? 1 : 0}`] : []));
    if (c.type === 'time_signal' && seg.length > 0) return `signal:${seg.join(',')}`;
  }
  return `bytes:${section.toString('hex')}`;
}

export class CueLedger {
  private sent: Entry[] = [];
  private readonly standby: StandbyCue[][] = [[], []];
  forwarded = 0;
  duplicatesDropped = 0;
  replayed = 0;

  constructor(private readonly windowMs: number) {}

  /** A cue on the input on air: true to send it, false when the other input's copy already went out. */
  onAir(input: number, section: Buffer, now: number): boolean {
    this.expire(now);
    const key = cueIdentity(section);
    const since = now - this.windowMs;
    if (this.sent.some((e) => e.key === key && e.input !== input && e.at >= since)) {
      this.duplicatesDropped++;
      return false;
    }
    this.remember(this.sent, { key, at: now, input });
    this.forwarded++;
    return true;
  }

  /** A cue on the input not on air: kept for a window in case it goes on air. */
  onStandby(input: number, section: Buffer, pid: number, now: number): void {
    this.expire(now);
    this.remember(this.standby[input]!, { key: cueIdentity(section), at: now, input, section, pid });
  }

  /** `input` goes on air: the cues it carried within the window that did not go out (oldest first). */
  takeMissed(input: number, now: number): { section: Buffer; pid: number }[] {
    this.expire(now);
    const list = this.standby[input]!;
    this.standby[input] = [];
    const out: { section: Buffer; pid: number }[] = [];
    for (const c of list) {
      // Sent within a window of the standby's copy (before or after it) is the same cue.
      if (this.sent.some((e) => e.key === c.key && e.at >= c.at - this.windowMs)) continue;
      this.remember(this.sent, { key: c.key, at: now, input });
      out.push({ section: c.section, pid: c.pid });
    }
    this.replayed += out.length;
    this.forwarded += out.length;
    return out;
  }

  private remember<T extends Entry>(list: T[], e: T): void {
    list.push(e);
    if (list.length > MAX_ENTRIES) list.shift();
  }

  private expire(now: number): void {
    // What went out is remembered twice as long: a standby copy up to a window old is compared
    // with what went out up to a window before it.
    const sentSince = now - 2 * this.windowMs;
    if (this.sent.length > 0 && this.sent[0]!.at < sentSince) this.sent = this.sent.filter((e) => e.at >= sentSince);
    const since = now - this.windowMs;
    for (let i = 0; i < 2; i++) {
      const l = this.standby[i]!;
      if (l.length > 0 && l[0]!.at < since) this.standby[i] = l.filter((e) => e.at >= since);
    }
  }
}
