// What every part of one router shares: its counters and its permission hook.

import type { AuthorizeHook } from './authorize.ts';
import type { RouterStats } from './stats.ts';

export interface RouterCore {
  readonly stats: RouterStats;
  /** Undefined means allow everything (the default). */
  authorize: AuthorizeHook | undefined;
}
