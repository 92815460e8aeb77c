/**
 * A backfill of 1,500 real-size activities (about 7 MB of Garmin JSON) through a bridge
 * whose answers are held to Lambda's 6 MB synchronous response, as deployed.
 */
import { describe, expect, it } from 'vitest';
import { AWS_LIMITS } from '../../../functions/core/shared/aws-limits';
import { harnessForFile } from '../core/harness';
import { connectAndBackfill, newAccount, readActivities, recordedActivity } from './garmin-world';

const h = harnessForFile();

const COUNT = 1500;

describe('a large backfill', () => {
  it('completes in chunks that each fit the Lambda response limit, and loses nothing', async () => {
    await h.sim.reset();
    const email = await newAccount(h);
    const sent: Array<Record<string, unknown>> = [];
    // Seventeen a day over the backfill window, oldest first.
    for (let n = 0; n < COUNT; n++) sent.push(recordedActivity(h, 40_000_000 + n, 88 - Math.floor(n / 17)));
    for (let i = 0; i < sent.length; i += 50) {
      await Promise.all(sent.slice(i, i + 50).map((activity) => h.sim.addRawActivity(email, activity as Parameters<typeof h.sim.addRawActivity>[1])));
    }
    expect(JSON.stringify(sent).length).toBeGreaterThan(AWS_LIMITS.lambdaSyncPayloadBytes);

    const user = await connectAndBackfill(h, email);

    const read = await readActivities(h, user);
    expect(read.size).toBe(COUNT);
    expect(read.get(String(40_000_000 + 777))).toEqual(sent[777]);
    const connection = await h.runtime.services.deps.connections.get(user);
    expect(connection?.cursors.backfillDone).toBe(true);
  });
});
