#!/usr/bin/env node
// ocs-registry: run with node (>= 22.18), bun or deno. See --help.
import { main } from '../src/cli/registry-cli.ts';
import { exit } from '../src/runtime/process.ts';

exit(await main());
