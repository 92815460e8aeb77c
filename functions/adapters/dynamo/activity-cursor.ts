/**
 * The opaque `nextCursor` of an activity query: base64url JSON of the position (the
 * `start_local` of the last item returned) and a hash binding it to the user and the date
 * range. The hash is not a secret (the user id never comes from the cursor, so a cursor can
 * only ever address the caller's own partition); it makes a cursor from another user or
 * another query fail loudly instead of paging through the wrong results.
 */
import { createHash } from 'node:crypto';
import * as z from 'zod';
import { InvalidCursorError } from '../../core/shared/ports';

export interface ActivityRange {
  /** Inclusive `start_local` bounds; undefined is open. */
  lower?: string;
  upper?: string;
}

const CursorBody = z.tuple([z.string(), z.string().regex(/#\d+$/).max(200)]);

const queryBinding = (userId: string, from: string | undefined, to: string | undefined): string =>
  createHash('sha256')
    .update(JSON.stringify([userId, from ?? null, to ?? null]))
    .digest('base64url')
    .slice(0, 22);

export const encodeActivityCursor = (userId: string, from: string | undefined, to: string | undefined, startLocal: string): string =>
  Buffer.from(JSON.stringify([queryBinding(userId, from, to), startLocal])).toString('base64url');

/** The `start_local` to continue after; InvalidCursorError for anything not made for this query. */
export const decodeActivityCursor = (
  cursor: string,
  userId: string,
  from: string | undefined,
  to: string | undefined,
  range: ActivityRange,
): string => {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const parsed = CursorBody.safeParse(body);
  if (!parsed.success) throw new InvalidCursorError();
  const [binding, startLocal] = parsed.data;
  // A start key outside the key condition is a ValidationException in DynamoDB: reject it here.
  const outside = (range.lower !== undefined && startLocal < range.lower) || (range.upper !== undefined && startLocal > range.upper);
  if (binding !== queryBinding(userId, from, to) || outside) throw new InvalidCursorError();
  return startLocal;
};
