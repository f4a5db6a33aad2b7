// How many operations a fake agent has. Real OCS agents have a median of 4
// ops, a 90th percentile of 15 and a maximum of 42 (the survey): a
// lognormal fitted to the two quantiles, rounded and clamped to [1, 42].
import type { Random } from './random.ts';

export const OP_COUNT_MEDIAN = 4;
export const OP_COUNT_P90 = 15;
export const OP_COUNT_MAX = 42;

/** z of the 90th percentile of the standard normal. */
const Z90 = 1.2815515655446004;
const MU = Math.log(OP_COUNT_MEDIAN);
const SIGMA = (Math.log(OP_COUNT_P90) - MU) / Z90;

/** One op count from the realistic spread. */
export function drawOpCount(random: Random): number {
  const n = Math.round(Math.exp(MU + SIGMA * random.normal()));
  return Math.min(OP_COUNT_MAX, Math.max(1, n));
}
