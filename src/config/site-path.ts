// Which site config file to read (ocs/site_config.py get_config):
// --site-file as given, else $OCS_CONFIG_DIR/{--site or "default"}.yaml.
// Returns null for --site none, which reads no file.

import { UsageError } from './errors.ts';

export function siteFilePath(
  site: string | null,
  siteFile: string | null,
  env: Readonly<Record<string, string | undefined>>,
): string | null {
  if (site === 'none') return null;
  if (siteFile !== null) {
    if (site !== null) throw new UsageError(`Pass either --site or --site-file, not both (got --site ${JSON.stringify(site)})`);
    return siteFile;
  }
  const name = `${site ?? 'default'}.yaml`;
  const dir = env['OCS_CONFIG_DIR'];
  if (dir === undefined || dir === '') {
    throw new UsageError(
      `Environment variable OCS_CONFIG_DIR is not set: it must name the directory of "${name}" (or pass --site-file PATH, or --site none)`,
    );
  }
  return joinPath(dir, name);
}

// os.path.join for POSIX paths, the only kind OCS site configs use.
function joinPath(dir: string, name: string): string {
  if (name.startsWith('/')) return name;
  return dir.endsWith('/') ? `${dir}${name}` : `${dir}/${name}`;
}
