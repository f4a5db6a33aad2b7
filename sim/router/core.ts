// What every part of one router shares: its counters, its permission hook,
// its clock and its fault hooks.

import type { Clock } from '../../src/core/clock.ts';
import type { AuthorizeHook } from './authorize.ts';
import type { RouterFaults } from './faults.ts';
import type { RouterStats } from './stats.ts';

export interface RouterCore {
  readonly stats: RouterStats;
  /** Undefined means allow everything (the default). */
  authorize: AuthorizeHook | undefined;
  readonly clock: Clock;
  /** True while some fault hook is in force: the only fault check on the hot path. */
  faultsOn: boolean;
  readonly faults: RouterFaults;
}
