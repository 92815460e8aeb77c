/** How the fakes spread a schedule: shards of users, and reproducible randomness. */
import { LIMITS } from '../../../functions/core/shared/limits';

/** The fakes' shard of a user (any stable spread over LIMITS.dueShards will do). */
export const shardOf = (userId: string): number => {
  let h = 0;
  for (const c of userId) h = (h * 31 + c.charCodeAt(0)) >>> 0;
  return h % LIMITS.dueShards;
};

/** A seeded random source, so a test of randomised spreading is reproducible. */
export const seededRandom = (seed = 1): (() => number) => {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
};
