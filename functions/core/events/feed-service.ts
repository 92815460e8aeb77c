/** GET /garmin/changes: the caller's change feed, oldest first, from an opaque cursor. */
import * as z from '../shared/zod';
import { AppError } from '../shared/errors';
import { once } from '../shared/once';
import { FeedCursorExpiredError, InvalidCursorError } from '../shared/ports';
import type { ServiceDeps } from '../shared/deps';
import { EVENT_LIMITS } from './rules';
import { eventSchemas } from './schema';

export const MAX_FEED_PAGE = 100;

export const ChangesQuery = z.strictObject({
  cursor: z.optional(z.string().check(z.minLength(1), z.maxLength(512))),
  limit: z._default(z.coerce.number().check(z.int(), z.gte(1), z.lte(MAX_FEED_PAGE)), MAX_FEED_PAGE),
});

/** The answer's schema: read only by the OpenAPI document (the answer is typed by it, never parsed), so built on the first call. */
export const changesResponseSchema = once(() =>
  z.object({
    items: z.array(eventSchemas().AppEvent),
    /** Always present: pass it next time, also when `items` is empty (it keeps the cursor fresh). */
    nextCursor: z.string(),
    /** More items wait after these: read again at once. */
    hasMore: z.boolean(),
  }),
);
export type ChangesResponse = z.infer<ReturnType<typeof changesResponseSchema>>;

export class FeedService {
  constructor(private readonly deps: Pick<ServiceDeps, 'feed' | 'clock'>) {}

  async changes(userId: string, query: z.output<typeof ChangesQuery>): Promise<ChangesResponse> {
    if (!this.deps.feed) throw new Error('no change feed configured');
    try {
      const page = await this.deps.feed.read(userId, { ...(query.cursor ? { cursor: query.cursor } : {}), limit: query.limit }, this.deps.clock.now());
      return { items: page.items, nextCursor: page.nextCursor, hasMore: page.items.length === query.limit };
    } catch (error) {
      if (error instanceof InvalidCursorError) throw new AppError('VALIDATION_ERROR', 'cursor is not a change-feed cursor of this user');
      if (error instanceof FeedCursorExpiredError) {
        throw new AppError(
          'FEED_CURSOR_EXPIRED',
          `The cursor is older than the ${EVENT_LIMITS.feedRetentionSeconds / 86400} days the feed keeps: re-read the data in full, then poll the feed without a cursor`,
        );
      }
      throw error;
    }
  }
}
