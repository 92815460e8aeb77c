import { describe, expect, it } from 'vitest';
import { localTimestamp } from '../../../../functions/core/shared/local-time';

describe('localTimestamp', () => {
  it("is the wall clock in the zone with that moment's offset (a weigh-in's day is its local date)", () => {
    expect(localTimestamp(new Date('2026-11-30T06:15:00.400Z'), 'Europe/Berlin')).toBe('2026-11-30T07:15:00+01:00');
    expect(localTimestamp(new Date('2026-07-01T06:15:00Z'), 'Europe/Berlin')).toBe('2026-07-01T08:15:00+02:00');
    // Late in UTC is the next morning east of it, and the evening before west of it.
    expect(localTimestamp(new Date('2026-07-01T23:30:00Z'), 'Asia/Kolkata')).toBe('2026-07-02T05:00:00+05:30');
    expect(localTimestamp(new Date('2026-07-02T01:30:00Z'), 'America/St_Johns')).toBe('2026-07-01T23:00:00-02:30');
    expect(localTimestamp(new Date('2026-07-01T00:00:00Z'), 'UTC')).toBe('2026-07-01T00:00:00+00:00');
  });
});
