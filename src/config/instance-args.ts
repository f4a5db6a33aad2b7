// An SCF instance's `arguments`, as ocs/site_config.py parse_args reads them:
// nested lists are flattened and every value becomes a string, so
// ['--port', 18086] and [['--port', '18086']] mean the same.

import { UsageError } from './errors.ts';

// Python's str() of a YAML scalar, for the values that differ from String().
function pythonStr(value: string | number | boolean | null): string {
  if (value === null) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  return String(value);
}

export function flattenArguments(value: unknown, label: string, path: string): string[] {
  if (!Array.isArray(value)) throw new UsageError(`"${label}" in "${path}" must be a list`);
  const out: string[] = [];
  const walk = (items: readonly unknown[]): void => {
    for (const item of items) {
      if (Array.isArray(item)) walk(item);
      else if (item === null || ['string', 'number', 'boolean'].includes(typeof item)) {
        out.push(pythonStr(item as string | number | boolean | null));
      } else {
        throw new UsageError(`"${label}" in "${path}" may hold only strings, numbers and lists`);
      }
    }
  };
  walk(value);
  return out;
}
