// The saved-state file on disk (issue 13): written atomically (a temporary
// file beside it, fsync, rename, fsync of the directory), so after a crash at
// any moment the file is the old table or the new one, never a mix; read back
// with a size limit; a refused file set aside under another name. node:fs
// works the same on Node, Bun and Deno.

import { closeSync, fsyncSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { open, rename } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import process from 'node:process';

/** Write `pieces` (joined) as the new content of `path`, atomically. */
export async function writeFileAtomic(path: string, pieces: readonly string[]): Promise<void> {
  const temporary = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  const file = await open(temporary, 'w', 0o644);
  try {
    // One write per piece: no copy of a 30 MB table into one more string.
    for (const piece of pieces) await file.write(piece);
    await file.sync();
  } finally {
    await file.close();
  }
  await rename(temporary, path);
  syncDirectory(dirname(path));
}

/** The rename is durable only once the directory is synced (not possible everywhere: then skipped). */
function syncDirectory(dir: string): void {
  let fd: number | null = null;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Windows and some file systems cannot open or sync a directory
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export type ReadOutcome =
  | { readonly kind: 'missing' }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'refused'; readonly problem: string };

/** The file's text; missing when there is none; refused when it is too big, not a file or unreadable. */
export function readStateFile(path: string, maxBytes: number): ReadOutcome {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) return { kind: 'refused', problem: 'it is not a regular file' };
    size = stat.size;
  } catch (err) {
    if ((err as { code?: string }).code === 'ENOENT') return { kind: 'missing' };
    return { kind: 'refused', problem: `it cannot be read (${(err as Error).message})` };
  }
  if (size > maxBytes) return { kind: 'refused', problem: `it is ${size} bytes, more than the ${maxBytes} a full table takes` };
  try {
    return { kind: 'text', text: readFileSync(path, 'utf8') };
  } catch (err) {
    return { kind: 'refused', problem: `it cannot be read (${(err as Error).message})` };
  }
}

/** Move a refused file out of the way (kept for a person to look at): the new name, or null if it could not be moved. */
export function setAside(path: string, now: Date = new Date()): string | null {
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const aside = `${path}.refused-${stamp}`;
  try {
    renameSync(path, aside);
    return aside;
  } catch {
    return null;
  }
}
