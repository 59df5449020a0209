import { readdirSync, readFileSync } from 'node:fs';

export interface ProcessUsage {
  pid: number;
  ppid: number;
  command: string;
  /** user + system CPU time, seconds. */
  cpuSeconds: number;
  rssBytes: number;
}

const CLOCK_TICKS = 100; // USER_HZ on Linux
const PAGE_SIZE = 4096;

/** Reads /proc/<pid>/stat; undefined when the process is gone or this is not Linux. */
export function readUsage(pid: number): ProcessUsage | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // comm may contain spaces and parentheses: fields start after the last ')'.
    const close = stat.lastIndexOf(')');
    const command = stat.slice(stat.indexOf('(') + 1, close);
    const fields = stat.slice(close + 2).split(' ');
    return {
      pid,
      ppid: Number(fields[1]),
      command,
      cpuSeconds: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS,
      rssBytes: Number(fields[21]) * PAGE_SIZE,
    };
  } catch {
    return undefined;
  }
}

/** The process and all its descendants (children, grandchildren...). */
export function processTree(rootPid: number): ProcessUsage[] {
  let pids: number[];
  try {
    pids = readdirSync('/proc').filter((e) => /^\d+$/.test(e)).map(Number);
  } catch {
    return [];
  }
  const all = pids.map(readUsage).filter((u): u is ProcessUsage => u !== undefined);
  const children = new Map<number, ProcessUsage[]>();
  for (const u of all) children.set(u.ppid, [...(children.get(u.ppid) ?? []), u]);
  const root = all.find((u) => u.pid === rootPid);
  if (!root) return [];
  const out: ProcessUsage[] = [];
  const stack = [root];
  while (stack.length > 0) {
    const next = stack.pop()!;
    out.push(next);
    stack.push(...(children.get(next.pid) ?? []));
  }
  return out;
}
