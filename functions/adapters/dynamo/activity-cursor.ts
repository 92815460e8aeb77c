/**
 * The opaque `nextCursor` of an activity query (./opaque-cursor.ts): the position is the
 * `start_local` of the last item returned, bound to the user and the date range.
 */
import * as z from '../../core/shared/zod';
import { InvalidCursorError } from '../../core/shared/ports';
import { decodeCursor, encodeCursor } from './opaque-cursor';

export interface ActivityRange {
  /** Inclusive `start_local` bounds; undefined is open. */
  lower?: string;
  upper?: string;
}

const Position = z.tuple([z.string().check(z.regex(/#\d+$/), z.maxLength(200))]);

const queryScope = (userId: string, from: string | undefined, to: string | undefined): string => JSON.stringify([userId, from ?? null, to ?? null]);

export const encodeActivityCursor = (userId: string, from: string | undefined, to: string | undefined, startLocal: string): string =>
  encodeCursor(queryScope(userId, from, to), [startLocal]);

/** The `start_local` to continue after; InvalidCursorError for anything not made for this query. */
export const decodeActivityCursor = (
  cursor: string,
  userId: string,
  from: string | undefined,
  to: string | undefined,
  range: ActivityRange,
): string => {
  const [startLocal] = decodeCursor(cursor, queryScope(userId, from, to), Position);
  // A start key outside the key condition is a ValidationException in DynamoDB: reject it here.
  const outside = (range.lower !== undefined && startLocal < range.lower) || (range.upper !== undefined && startLocal > range.upper);
  if (outside) throw new InvalidCursorError();
  return startLocal;
};
