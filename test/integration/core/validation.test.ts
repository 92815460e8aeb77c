import { randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { type EventInput, httpEvent } from '../../../scripts/local/apigw-events';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { scanUserItems } from '../../support/scan';
import { harnessForFile } from './harness';

const h = harnessForFile();

const user = 'validation-user';
const attempt = { attemptId: randomUUID() };

const cases: Array<[string, string, EventInput, number]> = [
  ['no body', 'POST /garmin/connection', {}, 400],
  ['malformed JSON', 'POST /garmin/connection', { rawBody: '{"username":' }, 400],
  ['missing password', 'POST /garmin/connection', { body: { username: 'a@example.com' } }, 400],
  ['unknown field', 'POST /garmin/connection', { body: { username: 'a@example.com', password: 'x', admin: true } }, 400],
  ['password too long', 'POST /garmin/connection', { body: { username: 'a@example.com', password: 'x'.repeat(300) } }, 400],
  ['body is an array', 'POST /garmin/connection', { body: [1, 2] }, 400],
  ['rememberPassword not boolean', 'POST /garmin/connection', { body: { username: 'a@example.com', password: 'x', rememberPassword: 'yes' } }, 400],
  ['tokens not a string', 'POST /garmin/connection', { body: { tokens: 42 } }, 400],
  ['attempt id not a uuid', 'GET /garmin/connection/attempts/{attemptId}', { path: { attemptId: '../../etc' } }, 400],
  ['unknown attempt', 'GET /garmin/connection/attempts/{attemptId}', { path: attempt }, 404],
  ['MFA code not digits', 'POST /garmin/connection/attempts/{attemptId}/mfa', { path: attempt, body: { code: 'abc' } }, 400],
  ['MFA code missing', 'POST /garmin/connection/attempts/{attemptId}/mfa', { path: attempt, body: {} }, 400],
  ['MFA on unknown attempt', 'POST /garmin/connection/attempts/{attemptId}/mfa', { path: attempt, body: { code: '123456' } }, 404],
  ['bad date', 'GET /garmin/activities', { query: { from: '2026-02-30' } }, 400],
  ['from after to', 'GET /garmin/activities', { query: { from: '2026-03-02', to: '2026-03-01' } }, 400],
  ['limit zero', 'GET /garmin/activities', { query: { limit: '0' } }, 400],
  ['limit not a number', 'GET /garmin/activities', { query: { limit: 'ten' } }, 400],
  ['forged cursor', 'GET /garmin/activities', { query: { cursor: 'bm90LWEtY3Vyc29y' } }, 400],
  ['unknown query parameter', 'GET /garmin/activities', { query: { userId: 'someone-else' } }, 400],
  ['summaries without range', 'GET /garmin/daily-summaries', {}, 400],
  ['summaries range too long', 'GET /garmin/daily-summaries', { query: { from: '2020-01-01', to: '2026-01-01' } }, 400],
  ['sync with a body', 'POST /garmin/sync', { body: { userId: 'someone-else' } }, 400],
  ['sync with a null body', 'POST /garmin/sync', { rawBody: 'null' }, 400],
  ['username with surrounding blanks', 'POST /garmin/connection', { body: { username: ' a@example.com', password: 'x' } }, 400],
  ['blank-padded username of a token import', 'POST /garmin/connection', { body: { tokens: '{}', username: 'abcd ' } }, 400],
  ['MFA code with blanks', 'POST /garmin/connection/attempts/{attemptId}/mfa', { path: attempt, body: { code: ' 123456 ' } }, 400],
  ['not connected', 'GET /garmin/connection', {}, 404],
  ['no profile', 'GET /garmin/profile', {}, 404],
  ['disconnect when not connected', 'DELETE /garmin/connection', {}, 404],
];

describe('bad input', () => {
  it.each(cases)('%s → %i with a JSON error code', async (_name, route, input, status) => {
    const answer = await h.api(route, { userId: user, ...input });
    expect(answer.status).toBe(status);
    expect(answer.headers['content-type']).toBe('application/json');
    expect(answer.body.error?.code).toMatch(/^[A-Z_]+$/);
    expect(answer.body.error?.message).toBeTruthy();
    expect(JSON.stringify(answer.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it.each([
    ['text/plain', '{}'],
    ['application/x-www-form-urlencoded', 'force=true'],
  ])('refuses a %s body with 400', async (contentType, rawBody) => {
    const event = httpEvent('POST /garmin/sync', { userId: user, rawBody });
    event.headers['content-type'] = contentType;
    const response = await h.runtime.http(event);
    expect(response.statusCode).toBe(400);
    expect(JSON.parse(response.body ?? '{}')).toMatchObject({ error: { code: 'VALIDATION_ERROR' } });
  });

  it('answers a token blob that is no blob with 422 GARMIN_TOKENS_REJECTED', async () => {
    const answer = await h.api('POST /garmin/connection', { userId: h.newUser(), body: { tokens: 'not a token blob' } });
    expect(answer.status).toBe(422);
    expect(answer.body.error?.code).toBe('GARMIN_TOKENS_REJECTED');
  });

  it('answers 401 when the token carries no subject', async () => {
    const answer = await h.api('GET /garmin/connection');
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('UNAUTHORIZED');
  });

  it("refuses the partition key of the service's own state as a user id", async () => {
    const answer = await h.api('DELETE /garmin/connection', { userId: '__system__' });
    expect(answer.status).toBe(401);
    expect(answer.body.error?.code).toBe('UNAUTHORIZED');
  });

  it('changes nothing when refusing bad input', async () => {
    await h.api('POST /garmin/connection', { userId: user, body: { username: 'a@example.com', password: 'x', admin: true } });
    // No rate-limit entry, attempt or connection: validation happens before anything is written
    // but the per-user API throttle's counters, which count every request first.
    const items = (await scanUserItems(createDocumentClient(), h.runtime.tables, user)).map(({ item }) => item);
    expect(items.filter((item) => !String(item.sk).startsWith('REQ#'))).toEqual([]);
  });
});
