import { describe, expect, it } from 'vitest';
import { decodeFeedCursor, encodeFeedCursor } from '../../../functions/adapters/events/feed-cursor';
import { FeedCursorExpiredError, InvalidCursorError } from '../../../functions/core/shared/ports';

const READ_AT = new Date('2026-05-01T00:00:00Z');
const RETENTION_SECONDS = 30 * 86_400;
const later = (seconds: number) => new Date(READ_AT.getTime() + seconds * 1000);

describe('feed cursors', () => {
  it('round-trip for the same user while the read is within the retention', () => {
    const cursor = encodeFeedCursor('user-a', 42, READ_AT);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeFeedCursor(cursor, 'user-a', later(RETENTION_SECONDS), RETENTION_SECONDS)).toBe(42);
  });

  it('are bound to the user and expire with the retention after the read', () => {
    const cursor = encodeFeedCursor('user-a', 42, READ_AT);
    expect(() => decodeFeedCursor(cursor, 'user-b', READ_AT, RETENTION_SECONDS)).toThrow(InvalidCursorError);
    expect(() => decodeFeedCursor(cursor, 'user-a', later(RETENTION_SECONDS + 1), RETENTION_SECONDS)).toThrow(FeedCursorExpiredError);
  });

  it('reject anything malformed, the shape of an activity cursor included', () => {
    const [binding] = JSON.parse(Buffer.from(encodeFeedCursor('user-a', 1, READ_AT), 'base64url').toString('utf8')) as [string];
    const forged = (body: unknown[]) => Buffer.from(JSON.stringify(body)).toString('base64url');
    for (const junk of ['', '!!', 'e30', forged([binding]), forged([binding, -1, 1]), forged([binding, 1, 1, 1]), forged([binding, '2026-03-05 07:00:00#1'])]) {
      expect(() => decodeFeedCursor(junk, 'user-a', READ_AT, RETENTION_SECONDS)).toThrow(InvalidCursorError);
    }
  });
});
