/**
 * The change feed's opaque cursor (../dynamo/opaque-cursor.ts): the position is the sequence
 * number of the last event seen and when that position was read, bound to the user.
 *
 * The read time is what expires: an event appended after a read is at least as new as the
 * read, so while the read is younger than the feed's retention nothing after the position
 * can have expired. An older cursor may have missed expired events: 410, re-read in full.
 */
import * as z from '../../core/shared/zod';
import { FeedCursorExpiredError } from '../../core/shared/ports';
import { decodeCursor, encodeCursor } from '../dynamo/opaque-cursor';

const Position = z.tuple([z.int().check(z.nonnegative()), z.int().check(z.positive())]);

const scope = (userId: string): string => `feed:${userId}`;

export const encodeFeedCursor = (userId: string, position: number, readAt: Date): string =>
  encodeCursor(scope(userId), [position, readAt.getTime()]);

/** The position to continue after; throws for a cursor not made for this user or older than `retentionSeconds`. */
export const decodeFeedCursor = (cursor: string, userId: string, now: Date, retentionSeconds: number): number => {
  const [position, readAt] = decodeCursor(cursor, scope(userId), Position);
  if (now.getTime() - readAt > retentionSeconds * 1000) throw new FeedCursorExpiredError();
  return position;
};
