/**
 * An opaque paging cursor: base64url JSON of `[binding, ...position]`, where `binding` is a
 * hash of what the cursor was made for (the user, the query). The hash is not a secret: the
 * user id never comes from a cursor, so a cursor can only ever address the caller's own
 * partition; it makes a cursor from another user or another query fail loudly instead of
 * paging through the wrong results.
 */
import { createHash } from 'node:crypto';
import * as z from '../../core/shared/zod';
import { InvalidCursorError } from '../../core/shared/ports';

const binding = (scope: string): string => createHash('sha256').update(scope).digest('base64url').slice(0, 22);

const Envelope = z.tuple([z.string()], z.unknown());

export const encodeCursor = (scope: string, position: readonly unknown[]): string =>
  Buffer.from(JSON.stringify([binding(scope), ...position])).toString('base64url');

/** The position of a cursor made for `scope`, as `schema` reads it; InvalidCursorError for anything else. */
export const decodeCursor = <T extends z.ZodMiniTuple>(cursor: string, scope: string, schema: T): z.output<T> => {
  let body: unknown;
  try {
    body = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw new InvalidCursorError();
  }
  const envelope = Envelope.safeParse(body);
  if (!envelope.success || envelope.data[0] !== binding(scope)) throw new InvalidCursorError();
  const position = schema.safeParse(envelope.data.slice(1));
  if (!position.success) throw new InvalidCursorError();
  return position.data;
};
