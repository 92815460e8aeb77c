import { UpdateCommand } from '../../../functions/adapters/dynamo/client';
import { beforeEach, describe, expect, it } from 'vitest';
import { createDocumentClient } from '../../../functions/adapters/dynamo/client';
import { VaultDecryptError } from '../../../functions/adapters/vault';
import { personalItemsLeft, scanUserItems } from '../../support/scan';
import { ATHLETE, harnessForFile, MFA_USER, PASSWORD } from './harness';

const h = harnessForFile();
beforeEach(async () => h.sim.reset());

const doc = createDocumentClient();

describe('one user, one account', () => {
  it("never lets user B see or change anything of user A's", async () => {
    const a = h.newUser();
    const b = h.newUser();
    await h.api('POST /garmin/connection', { userId: a, body: { username: ATHLETE, password: PASSWORD } });
    await h.runtime.drainQueue();
    const pending = await h.api('POST /garmin/connection', { userId: a, body: { username: MFA_USER, password: PASSWORD } });
    const path = { attemptId: String(pending.body.attemptId) };

    expect((await h.api('GET /garmin/connection', { userId: b })).status).toBe(404);
    expect((await h.api('GET /garmin/profile', { userId: b })).status).toBe(404);
    expect((await h.api('GET /garmin/activities', { userId: b })).body).toEqual({ items: [], nextCursor: null });
    expect((await h.api('GET /garmin/daily-summaries', { userId: b, query: { from: '2020-01-01', to: '2020-12-31' } })).body).toEqual({ items: [] });
    expect((await h.api('GET /garmin/connection/attempts/{attemptId}', { userId: b, path })).status).toBe(404);
    expect((await h.api('POST /garmin/connection/attempts/{attemptId}/mfa', { userId: b, path, body: { code: '123456' } })).status).toBe(404);
    expect((await h.api('POST /garmin/sync', { userId: b })).status).toBe(404);
    expect((await h.api('DELETE /garmin/connection', { userId: b })).status).toBe(404);

    const aPage = await h.api('GET /garmin/activities', { userId: a, query: { limit: '2' } });
    const cursor = String(aPage.body.nextCursor);
    const stolen = await h.api('GET /garmin/activities', { userId: b, query: { limit: '2', cursor } });
    expect(stolen.status).toBe(400);
    expect((await h.api('GET /garmin/connection', { userId: a })).status).toBe(200);
    expect((await h.api('GET /garmin/connection/attempts/{attemptId}', { userId: a, path })).body.status).toBe('mfa_required');
    // Ends the attempt, so its bridge call stops waiting for a code and the runtime can stop.
    expect((await h.api('DELETE /garmin/connection', { userId: a })).status).toBe(204);
  });

  it('erases every item of the user on disconnect, and nothing of anyone else', async () => {
    const a = h.newUser();
    const other = h.newUser();
    for (const user of [a, other]) {
      await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
    }
    await h.runtime.drainQueue();
    const othersBefore = (await scanUserItems(doc, h.runtime.tables, other)).length;
    expect((await scanUserItems(doc, h.runtime.tables, a)).length).toBeGreaterThan(10);

    const gone = await h.api('DELETE /garmin/connection', { userId: a });
    expect(gone.status).toBe(204);

    // Only what the service keeps by design stays: the call limits and the feed's disconnect.
    expect(await personalItemsLeft(doc, h.runtime.tables, a)).toEqual([]);
    expect((await scanUserItems(doc, h.runtime.tables, other)).length).toBe(othersBefore);
    expect((await h.api('GET /garmin/connection', { userId: a })).status).toBe(404);
    expect((await h.api('DELETE /garmin/connection', { userId: a })).status).toBe(404);
  });

  it("cannot decrypt a credential copied from user A's item into user B's", async () => {
    const a = h.newUser();
    const b = h.newUser();
    for (const user of [a, b]) {
      await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } });
    }
    const { connections, vault } = h.runtime.services.deps;
    const aRecord = await connections.get(a);
    await doc.send(
      new UpdateCommand({
        TableName: h.runtime.tables.connections,
        Key: { user_id: b },
        UpdateExpression: 'SET tokens = :t, password = :p',
        ExpressionAttributeValues: { ':t': aRecord?.tokens, ':p': aRecord?.password },
      }),
    );
    const bRecord = await connections.get(b);
    await expect(vault.decrypt(b, 'tokens', bRecord?.tokens ?? '')).rejects.toBeInstanceOf(VaultDecryptError);
    await expect(vault.decrypt(b, 'password', bRecord?.password ?? '')).rejects.toBeInstanceOf(VaultDecryptError);
    // A's ciphertext is fine for A: the failure is the binding to the user, not damage.
    await expect(vault.decrypt(a, 'password', aRecord?.password ?? '')).resolves.toBe(PASSWORD);
  });
});
