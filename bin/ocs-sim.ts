#!/usr/bin/env node
// ocs-sim: the crossbar simulator; run with node (>= 22.18), bun or deno. See --help.
import { main } from '../sim/cli/main.ts';
import { argv, exit, onShutdownSignal, readTextFile } from '../src/runtime/process.ts';

exit(
  await main(argv(), {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
    readFile: readTextFile,
    onShutdown: onShutdownSignal,
  }),
);
