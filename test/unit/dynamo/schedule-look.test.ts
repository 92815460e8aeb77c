import { describe, expect, it } from 'vitest';
import { DUE_INDEX_LOOK_AHEAD_MS, dueOf, lookAtFor } from '../../../functions/adapters/dynamo/schedule-store';

const NOW = new Date('2026-11-23T10:00:00.000Z');
const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();

describe('the due index key (lookAtFor)', () => {
  it('stays while the index looks at or before a due time within the look-ahead', () => {
    expect(lookAtFor(at(15 * 60_000), at(-60_000), NOW)).toBeUndefined();
    expect(lookAtFor(at(DUE_INDEX_LOOK_AHEAD_MS), at(-3 * 3600_000), NOW)).toBeUndefined();
  });

  it('moves to a due time further ahead, one earlier than the index looks, or when there is no key', () => {
    expect(lookAtFor(at(DUE_INDEX_LOOK_AHEAD_MS + 1), at(-60_000), NOW)).toBe(at(DUE_INDEX_LOOK_AHEAD_MS + 1));
    expect(lookAtFor(at(600_000), at(3 * 3600_000), NOW)).toBe(at(600_000));
    expect(lookAtFor(at(600_000), undefined, NOW)).toBe(at(600_000));
  });
});

describe('dueOf', () => {
  it('is due_at, or the index key of an item an older version wrote; nothing when not scheduled', () => {
    expect(dueOf({ due_at: at(900_000), next_sync_time: at(-60_000) })).toBe(at(900_000));
    expect(dueOf({ next_sync_time: at(-60_000) })).toBe(at(-60_000));
    expect(dueOf({ due_at: at(900_000) })).toBeUndefined();
  });
});
