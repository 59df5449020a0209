// CPU and memory of process trees, read from /proc the way `top` does: utime + stime of
// /proc/<pid>/stat (all threads, in clock ticks of 1/100 s) at the start and end of a window,
// and VmRSS from /proc/<pid>/status sampled during it.
import { readdirSync, readFileSync } from 'node:fs';

/** USER_HZ on Linux x86-64: /proc/<pid>/stat counts CPU time in 1/100 s. */
export const CLOCK_TICKS_PER_SECOND = 100;

export interface ProcStat {
  pid: number;
  ppid: number;
  /** Executable name, truncated by the kernel to 15 characters ("srt-live-transm"). */
  comm: string;
  state: string;
  /** utime + stime in clock ticks. */
  ticks: number;
  /** Start time in ticks since boot: tells a reused PID from the process seen before. */
  startTime: number;
}

export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain spaces or parentheses.
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const f = text.slice(close + 2).split(' ');
  // After the name: field 3 state = f[0], 4 ppid = f[1], 14 utime = f[11], 15 stime = f[12], 22 starttime = f[19].
  return {
    pid,
    comm: text.slice(open + 1, close),
    state: f[0]!,
    ppid: Number(f[1]),
    ticks: Number(f[11]) + Number(f[12]),
    startTime: Number(f[19]),
  };
}

/** VmRSS in bytes, or undefined when the process is gone (or a zombie). */
export function readRssBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function allStats(): ProcStat[] {
  const out: ProcStat[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const st = readProcStat(Number(entry));
    if (st && st.state !== 'Z') out.push(st);
  }
  return out;
}

/** The process and all its live descendants (`stats`: one scan of /proc, to share between trees). */
export function processTree(rootPid: number, stats: ProcStat[] = allStats()): ProcStat[] {
  const byParent = new Map<number, ProcStat[]>();
  for (const st of stats) {
    const list = byParent.get(st.ppid) ?? [];
    list.push(st);
    byParent.set(st.ppid, list);
  }
  const root = stats.find((s) => s.pid === rootPid);
  if (!root) return [];
  const out: ProcStat[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const st = queue.shift()!;
    out.push(st);
    queue.push(...(byParent.get(st.pid) ?? []));
  }
  return out;
}

export type ProcessRole = 'service' | 'srt-live-transmit' | 'ffmpeg' | 'postgres' | 'other';

/** What a process in the service's tree is, by PID and executable name. */
export function classify(st: { pid: number; comm: string }, servicePid: number): ProcessRole {
  if (st.pid === servicePid) return 'service';
  if (st.comm.startsWith('srt-live-trans')) return 'srt-live-transmit';
  if (st.comm === 'ffmpeg') return 'ffmpeg';
  if (st.comm === 'postgres' || st.comm === 'postmaster') return 'postgres';
  return 'other';
}

export interface ProcessUsage {
  pid: number;
  comm: string;
  /** Which group this process belongs to (set by the caller's roots). */
  group: string;
  /** % of one core over the window (100 = one core busy all the time). */
  cpu: number;
  /** Mean and peak VmRSS over the window's samples, bytes. */
  rss: number;
  rssMax: number;
  /** False when the process started during the window (its CPU counts from its start). */
  wholeWindow: boolean;
  /** CPU % over each sampling interval (~1 s): its spread says how noisy `cpu` is. */
  cpuSeries: number[];
}

export interface WindowUsage {
  seconds: number;
  processes: ProcessUsage[];
}

interface Tracked {
  stat: ProcStat;
  group: string;
  rssSum: number;
  rssCount: number;
  rssMax: number;
  /** Present at the window's start. */
  whole: boolean;
  lastTicks: number;
  lastAt: number;
  series: number[];
}

/**
 * Measures the trees under `roots` over a window: CPU from the tick counters at both ends,
 * RSS sampled every `rssEveryMs`. Processes that exit during the window are left out (their
 * time cannot be read any more); processes that appear count from their own start.
 */
export class TreeMeter {
  private readonly tracked = new Map<string, Tracked>();
  private startedAt = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly roots: ReadonlyArray<{ pid: number; group: string; tree?: boolean }>,
    private readonly rssEveryMs = 1000,
  ) {}

  start(): void {
    this.startedAt = performance.now();
    for (const { stat, group } of this.members()) this.tracked.set(key(stat), { stat, group, rssSum: 0, rssCount: 0, rssMax: 0, whole: true, lastTicks: stat.ticks, lastAt: this.startedAt, series: [] });
    this.sampleRss();
    this.timer = setInterval(() => this.sampleRss(), this.rssEveryMs);
  }

  stop(): WindowUsage {
    clearInterval(this.timer);
    this.sampleRss();
    const seconds = (performance.now() - this.startedAt) / 1000;
    const processes: ProcessUsage[] = [];
    for (const { stat, group } of this.members()) {
      const before = this.tracked.get(key(stat));
      const ticks = stat.ticks - (before?.stat.ticks ?? 0);
      const rssCount = before?.rssCount ?? 0;
      processes.push({
        pid: stat.pid,
        comm: stat.comm,
        group,
        cpu: (ticks / CLOCK_TICKS_PER_SECOND / seconds) * 100,
        rss: rssCount > 0 ? before!.rssSum / rssCount : (readRssBytes(stat.pid) ?? 0),
        rssMax: Math.max(before?.rssMax ?? 0, readRssBytes(stat.pid) ?? 0),
        wholeWindow: before?.whole ?? false,
        cpuSeries: before?.series ?? [],
      });
    }
    return { seconds, processes };
  }

  private members(): Array<{ stat: ProcStat; group: string }> {
    const out: Array<{ stat: ProcStat; group: string }> = [];
    // One scan of /proc per sample (~1 ms here): this runs on the paced sender's event loop.
    const all = this.roots.some((r) => r.tree !== false) ? allStats() : [];
    for (const root of this.roots) {
      if (root.tree === false) {
        const stat = readProcStat(root.pid);
        if (stat && stat.state !== 'Z') out.push({ stat, group: root.group });
      } else {
        for (const stat of processTree(root.pid, all)) out.push({ stat, group: root.group });
      }
    }
    return out;
  }

  private sampleRss(): void {
    const now = performance.now();
    for (const { stat, group } of this.members()) {
      let t = this.tracked.get(key(stat));
      if (!t) {
        // Born during the window: its CPU counts from zero.
        t = { stat: { ...stat, ticks: 0 }, group, rssSum: 0, rssCount: 0, rssMax: 0, whole: false, lastTicks: stat.ticks, lastAt: now, series: [] };
        this.tracked.set(key(stat), t);
      }
      if (now - t.lastAt >= this.rssEveryMs / 2) {
        t.series.push(((stat.ticks - t.lastTicks) / CLOCK_TICKS_PER_SECOND / ((now - t.lastAt) / 1000)) * 100);
        t.lastTicks = stat.ticks;
        t.lastAt = now;
      }
      const rss = readRssBytes(stat.pid);
      if (rss === undefined) continue;
      t.rssSum += rss;
      t.rssCount++;
      t.rssMax = Math.max(t.rssMax, rss);
    }
  }
}

function key(st: ProcStat): string {
  return `${st.pid}@${st.startTime}`;
}
