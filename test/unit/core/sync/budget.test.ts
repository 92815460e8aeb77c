import { describe, expect, it } from 'vitest';
import { budgetWindow, delaySegments, jitterIn } from '../../../../functions/core/sync/budget';

describe('budget windows and delay segments', () => {
  it('cuts the delays 0 … spread-1 where a job would start in the next minute', () => {
    const now = new Date('2026-11-23T12:00:50.500Z');
    const segments = delaySegments(now, 70);
    expect(segments.map((s) => [s.windowStart.toISOString(), s.from, s.to])).toEqual([
      ['2026-11-23T12:00:00.000Z', 0, 10],
      ['2026-11-23T12:01:00.000Z', 10, 70],
    ]);
  });

  it('caps the spread at 900 s and treats 0 as "no delay"', () => {
    const now = new Date('2026-11-23T12:00:00Z');
    expect(delaySegments(now, 10_000).at(-1)?.to).toBe(900);
    expect(delaySegments(now, 0)).toEqual([{ windowStart: budgetWindow(now), from: 0, to: 1 }]);
  });

  it('jitter stays inside its segment for any random() in [0, 1)', () => {
    const segment = { windowStart: new Date(0), from: 10, to: 70 };
    for (const r of [0, 0.25, 0.5, 0.999_999_9]) {
      const d = jitterIn(segment, () => r);
      expect(d).toBeGreaterThanOrEqual(10);
      expect(d).toBeLessThan(70);
    }
    expect(jitterIn(segment, () => 0)).toBe(10);
    expect(jitterIn(segment, () => 0.999_999_9)).toBe(69);
  });
});
