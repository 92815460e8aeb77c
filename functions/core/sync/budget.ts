/**
 * The service-wide budget of Garmin requests per minute: minute windows, and which window
 * each possible queue delay of a dispatched sync lands in, so dispatch can reserve budget in
 * the minute a sync will actually run rather than the minute it was claimed.
 */
export const BUDGET_WINDOW_MS = 60_000;

/** Start of the budget window holding `time`. */
export const budgetWindow = (time: Date): Date => new Date(Math.floor(time.getTime() / BUDGET_WINDOW_MS) * BUDGET_WINDOW_MS);

/** SQS's largest message delay. */
export const MAX_DELAY_SECONDS = 900;

/** The whole-second delays in [from, to) all start a sync in the window starting at `windowStart`. */
export interface DelaySegment {
  windowStart: Date;
  from: number;
  to: number;
}

/**
 * The delays 0 … spread-1 seconds (spread capped at SQS's 900; 0 means "no delay"), cut
 * where a delayed job would cross into the next budget window.
 */
export const delaySegments = (now: Date, spreadSeconds: number): DelaySegment[] => {
  const spread = Math.max(1, Math.min(Math.floor(spreadSeconds), MAX_DELAY_SECONDS));
  const segments: DelaySegment[] = [];
  for (let delay = 0; delay < spread; delay++) {
    const windowStart = budgetWindow(new Date(now.getTime() + delay * 1000));
    const last = segments.at(-1);
    if (last && last.windowStart.getTime() === windowStart.getTime()) last.to = delay + 1;
    else segments.push({ windowStart, from: delay, to: delay + 1 });
  }
  return segments;
};

/** A delay drawn uniformly from the segment: the jitter. */
export const jitterIn = (segment: DelaySegment, random: () => number): number =>
  segment.from + Math.min(segment.to - segment.from - 1, Math.floor(random() * (segment.to - segment.from)));
