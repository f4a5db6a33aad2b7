// CPU profiles of the processes a network benchmark starts: with
// OCS_BENCH_CPU_PROF=<dir> in the environment, every Bun process it spawns
// (router, registry, swarms) writes a CPU profile into <dir> when it exits:
// a .cpuprofile (Chrome DevTools format), or markdown with
// OCS_BENCH_CPU_PROF_MD=1. Read the .cpuprofile by sample counts: Bun's
// time deltas (and so the markdown's times) include the idle gaps before a
// sample, which inflates whatever runs first after a wait (timers).
import process from 'node:process';

/** Bun flags to put before the script: the profiler's, when asked for. */
export function profileFlags(): string[] {
  const dir = process.env.OCS_BENCH_CPU_PROF;
  return dir ? [process.env.OCS_BENCH_CPU_PROF_MD ? '--cpu-prof-md' : '--cpu-prof', `--cpu-prof-dir=${dir}`] : [];
}
