/** The processes Linux's /proc lists: state, process group and CPU time; empty where there is no /proc. */
import { existsSync, readdirSync, readFileSync } from 'node:fs';

/** Linux's clock ticks per second (USER_HZ), in which /proc reports CPU time. */
const TICKS_PER_SECOND = 100;

export interface ProcessEntry {
  pid: number;
  /** R, S, D, Z (zombie), X (dead), … */
  state: string;
  group: number;
  cpuSeconds: number;
}

export const processTable = (): ProcessEntry[] => {
  if (!existsSync('/proc/self/stat')) return [];
  const entries: ProcessEntry[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue;
    }
    // "pid (comm) state ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime stime ...";
    // comm may contain spaces and parentheses.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    entries.push({ pid: Number(entry), state: fields[0] ?? '', group: Number(fields[2]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND });
  }
  return entries;
};
