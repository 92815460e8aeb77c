import { describe, expect, it } from 'vitest';
import { decodeActivityCursor, encodeActivityCursor } from '../../../functions/adapters/dynamo/activity-cursor';
import { InvalidCursorError } from '../../../functions/core/shared/ports';

const position = '2026-03-05 07:00:00#123';
const range = { lower: '2026-03-01', upper: '2026-03-31\uffff' };

describe('activity cursors', () => {
  it('round-trip for the same user and query', () => {
    const cursor = encodeActivityCursor('user-a', '2026-03-01', '2026-03-31', position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeActivityCursor(cursor, 'user-a', '2026-03-01', '2026-03-31', range)).toBe(position);
  });

  it('are bound to the user and to both ends of the range', () => {
    const cursor = encodeActivityCursor('user-a', '2026-03-01', '2026-03-31', position);
    expect(() => decodeActivityCursor(cursor, 'user-b', '2026-03-01', '2026-03-31', range)).toThrow(InvalidCursorError);
    expect(() => decodeActivityCursor(cursor, 'user-a', undefined, '2026-03-31', {})).toThrow(InvalidCursorError);
    expect(() => decodeActivityCursor(cursor, 'user-a', '2026-03-01', undefined, {})).toThrow(InvalidCursorError);
  });

  it('reject a position outside the range and anything malformed', () => {
    const outside = encodeActivityCursor('user-a', '2026-03-01', '2026-03-31', '2026-04-01 07:00:00#9');
    expect(() => decodeActivityCursor(outside, 'user-a', '2026-03-01', '2026-03-31', range)).toThrow(InvalidCursorError);
    for (const junk of ['', '!!', 'e30', Buffer.from('["x"]').toString('base64url'), Buffer.from('[1,2]').toString('base64url')]) {
      expect(() => decodeActivityCursor(junk, 'user-a', '2026-03-01', '2026-03-31', range)).toThrow(InvalidCursorError);
    }
  });
});
