/**
 * The change feed's opaque cursor: base64url JSON of a hash binding it to the user, the
 * feed position (the sequence number of the last event seen) and when that position was
 * read. As with activity cursors (../dynamo/activity-cursor.ts) the hash is no secret: the
 * user id never comes from the cursor; it makes another user's cursor fail loudly.
 *
 * The read time is what expires: an event appended after a read is at least as new as the
 * read, so while the read is younger than the feed's retention nothing after the position
 * can have expired. An older cursor may have missed expired events: 410, re-read in full.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { FeedCursorExpiredError, InvalidCursorError } from '../../core/shared/ports';

const CursorBody = z.tuple([z.string(), z.int().nonnegative(), z.int().positive()]);

const binding = (userId: string): string => createHash('sha256').update(`feed:${userId}`).digest('base64url').slice(0, 22);

export const encodeFeedCursor = (userId: string, position: number, readAt: Date): string =>
  Buffer.from(JSON.stringify([binding(userId), position, readAt.getTime()])).toString('base64url');

/** The position to continue after; throws for a cursor not made for this user or older than `retentionSeconds`. */
export const decodeFeedCursor = (cursor: string, userId: string, now: Date, retentionSeconds: number): number => {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = CursorBody.safeParse(body);
  if (!parsed.success || parsed.data[0] !== binding(userId)) throw new InvalidCursorError();
  const [, position, readAt] = parsed.data;
  if (now.getTime() - readAt > retentionSeconds * 1000) throw new FeedCursorExpiredError();
  return position;
};
