// What --backup measured: the hot-standby cost of a configuration (derived from its service
// run's phases) and the switch-time loop (one channel, its main silenced again and again).
import type { Distribution } from './results.js';
import type { ProbeResult } from './switch-probe.js';

export interface DerivedStandby {
  /** Service CPU beyond idle per channel, both inputs received, no outputs (mean of the two pair windows). */
  pairIngestPerChannel: number | null;
  /** The same with the main alone: "a second ingest", the yardstick. */
  singleIngestPerChannel: number | null;
  /** pair − main alone, per channel: what the hot standby costs. */
  standbyPerChannel: number | null;
  /** standbyPerChannel ÷ singleIngestPerChannel (target ≤ 1.0). */
  ratioStandbyToIngest: number | null;
  stdErr: { pairIngestPerChannel: number | null; singleIngestPerChannel: number | null; standbyPerChannel: number | null };
  /** Mean service RSS with the main alone, then once the backups were added back; the growth per channel (RSS does not shrink when a backup goes). */
  pairRss: number | null;
  singleRss: number | null;
  standbyRssPerChannel: number | null;
  /** The main window: every pair on its main, nothing switched, backups healthy and received. */
  pairsOnMain: number;
  /** Where the outputs started in the main's stream (receivers are complete from there). */
  outputStart: number;
  pairs: number;
  switchesDuringRun: number;
  backupBitrateBps: number;
}

export interface SwitchCycle {
  index: number;
  /** First output datagram after the silence − the main's last datagram sent, ms. */
  switchMs: number | null;
  /** How long the output was silent (last datagram before → first after), ms. */
  silenceMs: number | null;
  /** First video payload after the silence (the backup's key frame) − the main's last datagram, ms. */
  videoMs: number | null;
  /** The API's record of the failover (runtime.redundancy.recent_switches). */
  failover: { gapMs: number; atRandomAccess: boolean; reason: string } | null;
  /** From the main sending again to the service's 'restored' switch (its `at`), ms. */
  restoreMs: number | null;
  restored: { gapMs: number; atRandomAccess: boolean } | null;
}

export interface SwitchRun {
  lossMs: number;
  restoreMs: number;
  cycles: SwitchCycle[];
  switchTime: Distribution;
  silence: Distribution;
  videoResume: Distribution;
  apiGap: Distribution;
  /** switch time − the API's gap_ms per switch: the main's last datagram to the service, and the cut to the probe (both event loops included). */
  beyondApiGap: Distribution;
  /** Event-loop delay of the harness (sender and probe) during the loop, ms beyond the timer's resolution. */
  harnessLoopDelay: { p99: number; max: number };
  restoreTime: Distribution;
  failoversAtRandomAccess: number;
  restoresAtRandomAccess: number;
  /** runtime.redundancy.switches at the end (expected: 2 per cycle). */
  apiSwitches: number;
  output: ProbeResult & { restarts: number; droppedBytes: number };
  /** The service's own process: idle baseline, then the loop. */
  service: { idleCpu: number; idleRss: number; cpu: number; rss: number; rssMax: number; seconds: number };
  problems: string[];
}
