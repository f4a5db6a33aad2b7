// CPU and memory of process trees, from /proc (Linux): what the network
// benchmarks read for the router, the registry and the swarms, each a
// separate process (tree) measured over the same window.
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_S = 100; // Linux USER_HZ

interface Row {
  ppid: number;
  ticks: number;
}

function processTable(): Map<number, Row> {
  const table = new Map<number, Row>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      table.set(Number(name), { ppid: Number(fields[1]), ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // exited meanwhile
    }
  }
  return table;
}

/** `pid` and its descendants. */
export function tree(pid: number): number[] {
  const table = processTable();
  const out: number[] = [];
  const visit = (p: number) => {
    if (!table.has(p)) return;
    out.push(p);
    for (const [child, row] of table) if (row.ppid === p) visit(child);
  };
  visit(pid);
  return out;
}

/** CPU ticks (user + system) of each of `pids` now. */
export function ticksOf(pids: readonly number[]): Map<number, number> {
  const out = new Map<number, number>();
  for (const pid of pids) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(pid, Number(fields[11]) + Number(fields[12]));
    } catch {
      // exited
    }
  }
  return out;
}

/** Share of one core used by `pids` between two snapshots `seconds` apart. */
export function cpuShare(pids: readonly number[], before: Map<number, number>, after: Map<number, number>, seconds: number): number {
  let ticks = 0;
  for (const pid of pids) ticks += (after.get(pid) ?? 0) - (before.get(pid) ?? 0);
  return ticks / TICKS_PER_S / seconds;
}

/** Resident memory of `pids` together, in bytes (VmRSS). */
export function rssOf(pids: readonly number[]): number {
  let kb = 0;
  for (const pid of pids) {
    try {
      const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
      if (m) kb += Number(m[1]);
    } catch {
      // exited
    }
  }
  return kb * 1024;
}

/** The process's command line, NULs as spaces ('' once it is gone). */
export function commandLine(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
  } catch {
    return '';
  }
}
