/**
 * A hash of a JSON value that ignores key order, so re-fetching an unchanged Garmin object
 * gives the same hash even if the upstream serialises its fields differently.
 */
import { createHash } from 'node:crypto';

const sortedKeys = (_key: string, value: unknown): unknown =>
  value !== null && typeof value === 'object' && !Array.isArray(value)
    ? Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
    : value;

export const contentHash = (value: unknown): string =>
  createHash('sha256').update(JSON.stringify(value, sortedKeys)).digest('base64url');
