// Child of state-file.test.ts: writes ever newer versions of one file with
// writeFileAtomic and prints "wrote N" after each, until it is killed.

import process from 'node:process';
import { writeFileAtomic } from '../../src/runtime/state-file.ts';

const path = process.argv[process.argv.length - 1] as string;
const filler = 'x'.repeat(256 * 1024);
for (let n = 1;; n++) {
  // Several pieces, as the state keeper writes them: a torn write would break the JSON or the n/end pair.
  const pieces = [`{"n":${n},"a":"`, filler, `","b":"`, filler, `","end":${n}}\n`];
  await writeFileAtomic(path, pieces);
  process.stdout.write(`wrote ${n}\n`);
}
