/**
 * AWS's quotas, enforced locally at the figures of functions/core/shared/aws-limits.ts: just
 * under a limit passes, just over fails the way AWS fails it. Garmin's answers are slowed
 * with the simulator's latency faults, so a timeout is a fact, not a guess about timing.
 */
import { randomUUID } from 'node:crypto';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { GetQueueAttributesCommand, PurgeQueueCommand, SQSClient, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { AWS_LIMITS } from '../../../functions/core/shared/aws-limits';
import { httpEvent } from '../../../scripts/local/apigw-events';
import { createLocalAuth } from '../../../scripts/local/auth';
import { enforceAwsRules } from '../../../scripts/local/aws-rules/sdk-middleware';
import { type LocalRuntime, startLocalRuntime } from '../../../scripts/local/runtime';
import { type LocalServer, startLocalServer } from '../../../scripts/local/server';
import { ATHLETE, harnessForFile, PASSWORD } from '../core/harness';
import { rejectionOf } from '../../support/rejection';

const refusal = async (promise: Promise<unknown>): Promise<Error & { $metadata?: { httpStatusCode?: number } }> => rejectionOf(promise, Error);

const CONNECT = { username: ATHLETE, password: PASSWORD };
const SLOW_GARMIN_MS = 3_000;

const h = harnessForFile();
afterEach(async () => {
  await h.sim.clearFaults();
});

describe('SQS message size (1 MiB, counted in bytes)', () => {
  const admin = new SQSClient({});
  afterAll(async () => {
    await admin.send(new PurgeQueueCommand({ QueueUrl: h.runtime.queueUrl }));
  });
  const dispatchSqs = () => {
    const rules = h.runtime.awsRules;
    if (!rules) throw new Error('no AWS rules');
    return enforceAwsRules(new SQSClient({}), { service: 'sqs', identity: rules.identities.dispatch, local: rules.local });
  };

  it('takes a message of exactly 1 MiB and refuses one byte more as SQS does (InvalidParameterValue)', async () => {
    const sqs = dispatchSqs();
    const send = (bytes: number) => sqs.send(new SendMessageCommand({ QueueUrl: h.runtime.queueUrl, MessageBody: 'x'.repeat(bytes) }));
    await expect(send(AWS_LIMITS.sqsMessageBytes)).resolves.toMatchObject({ MessageId: expect.any(String) });
    const error = await refusal(send(AWS_LIMITS.sqsMessageBytes + 1));
    expect(error).toMatchObject({ name: 'InvalidParameterValue', $metadata: { httpStatusCode: 400 } });
    expect(error.message).toContain(`Message must be shorter than ${AWS_LIMITS.sqsMessageBytes} bytes`);
  });

  it('counts bytes, not characters (moto counts characters)', async () => {
    const twoByteChars = Math.floor(AWS_LIMITS.sqsMessageBytes / 2) + 1;
    const error = await refusal(dispatchSqs().send(new SendMessageCommand({ QueueUrl: h.runtime.queueUrl, MessageBody: 'é'.repeat(twoByteChars) })));
    expect(error.name).toBe('InvalidParameterValue');
  });

  it('refuses a batch over 1 MiB in total (BatchRequestTooLong)', async () => {
    const half = AWS_LIMITS.sqsMessageBytes / 2;
    const batch = (second: number) =>
      dispatchSqs().send(
        new SendMessageBatchCommand({
          QueueUrl: h.runtime.queueUrl,
          Entries: [
            { Id: 'a', MessageBody: 'x'.repeat(half) },
            { Id: 'b', MessageBody: 'x'.repeat(second) },
          ],
        }),
      );
    await expect(batch(half)).resolves.toMatchObject({ Successful: [{ Id: 'a' }, { Id: 'b' }] });
    expect((await refusal(batch(half + 1))).name).toBe('BatchRequestTooLong');
  });
});

describe('Lambda asynchronous invoke payload (1 MB): the connect worker', () => {
  const jobOfBytes = (bytes: number) => {
    const attemptId = randomUUID();
    const overhead = JSON.stringify({ userId: '', attemptId }).length;
    return { userId: 'u'.repeat(bytes - overhead), attemptId };
  };

  it('accepts an event of exactly 1 MB and refuses one byte more (RequestEntityTooLargeException, 413)', async () => {
    const { connectWorker } = h.runtime.functions.connect.services.deps;
    await expect(connectWorker.start(jobOfBytes(AWS_LIMITS.lambdaAsyncPayloadBytes))).resolves.toBeUndefined();
    const error = await refusal(connectWorker.start(jobOfBytes(AWS_LIMITS.lambdaAsyncPayloadBytes + 1)));
    expect(error).toMatchObject({ name: 'RequestEntityTooLargeException', $metadata: { httpStatusCode: 413 } });
    expect(error.message).toBe(`Request must be smaller than ${AWS_LIMITS.lambdaAsyncPayloadBytes} bytes for the InvokeFunction operation`);
    // The accepted one ran (and failed on its invalid user id) in the background.
    await h.runtime.settleConnectWorkers();
  });
});

describe('function timeouts (infra/sizing.ts, shortened for the test)', () => {
  let cut: LocalRuntime;
  beforeAll(async () => {
    cut = await startLocalRuntime({
      prefix: `c${randomUUID().slice(0, 8)}`,
      garminBaseUrl: inject('localStack').simulatorUrl,
      timeoutsMs: { sync: SLOW_GARMIN_MS / 3, syncWorker: SLOW_GARMIN_MS / 3 },
    });
  });
  afterAll(async () => {
    await cut.settleConnectWorkers();
    await cut.stop();
  });
  const connectOn = async (runtime: LocalRuntime) => {
    const user = h.newUser();
    expect((await runtime.http(httpEvent('POST /garmin/connection', { userId: user, body: CONNECT }))).statusCode).toBe(201);
    return user;
  };
  /** The next Garmin request of the athlete's waits SLOW_GARMIN_MS. */
  const slowGarmin = () => h.sim.fault({ account: ATHLETE, endpoint: '*', latencyMs: SLOW_GARMIN_MS, count: 1 });

  it('fails an invocation that runs past its timeout, as on Lambda; within it, it answers', async () => {
    const user = await connectOn(cut);
    await slowGarmin();
    const started = performance.now();
    const error = await refusal(cut.http(httpEvent('POST /garmin/sync', { userId: user })));
    // Middy stops the handler just before the context's remaining time runs out (TimeoutError), as
    // it does deployed; Lambda's own cut (Sandbox.Timedout) is the backstop for anything else.
    expect(['TimeoutError', 'Sandbox.Timedout']).toContain(error.name);
    expect(performance.now() - started).toBeLessThan(SLOW_GARMIN_MS);
    // The deployed timeout outlasts the same slow answer.
    const other = await connectOn(h.runtime);
    await slowGarmin();
    expect((await h.runtime.http(httpEvent('POST /garmin/sync', { userId: other }))).statusCode).toBe(200);
  });

  it('fails the whole SQS batch of a sync worker that times out: nothing is deleted, the jobs stay queued', async () => {
    const depth = async () => {
      const { Attributes = {} } = await new SQSClient({}).send(
        new GetQueueAttributesCommand({ QueueUrl: cut.queueUrl, AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible'] }),
      );
      return { visible: Number(Attributes.ApproximateNumberOfMessages), inFlight: Number(Attributes.ApproximateNumberOfMessagesNotVisible) };
    };
    // Connecting queues the first backfill chunk.
    await connectOn(cut);
    const queued = await depth();
    expect(queued.visible).toBeGreaterThanOrEqual(1);
    await slowGarmin();
    expect(await cut.drainQueue()).toBe(0);
    // Nothing deleted (the cut-off invocations, which run on in-process, may only add the next chunk);
    // the batch received is in flight until its visibility timeout, then delivered again.
    const after = await depth();
    expect(after.visible + after.inFlight).toBeGreaterThanOrEqual(queued.visible + queued.inFlight);
    expect(after.inFlight).toBeGreaterThan(queued.inFlight);
  });
});

describe('API Gateway HTTP API: 30 s integration timeout, 10 MB body, 10,240 bytes of request line and headers', () => {
  let server: LocalServer;
  let token: string;
  beforeAll(async () => {
    const auth = await createLocalAuth({ dir: await mkdtemp(path.join(tmpdir(), 'limits-auth-')) });
    server = await startLocalServer({ runtime: h.runtime, auth, integrationTimeoutMs: SLOW_GARMIN_MS / 3 });
    token = await auth.issue('limits-user');
  });
  afterAll(() => server.close());
  const post = (body: string) =>
    fetch(`${server.url}/garmin/connection`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body });

  it('answers 503 {"message":"Service Unavailable"} past the integration timeout, while the function runs on', async () => {
    await h.sim.fault({ account: ATHLETE, endpoint: 'sso', latencyMs: SLOW_GARMIN_MS, count: 1 });
    const response = await post(JSON.stringify(CONNECT));
    expect(response.status).toBe(503);
    expect(await response.json()).toEqual({ message: 'Service Unavailable' });
    await h.runtime.settleConnectWorkers();
    const connection = await h.runtime.services.deps.connections.get('limits-user');
    expect(connection?.status).toBe('active');
  });

  it('passes a body of exactly 10 MB to the function and answers 413 to one byte more', async () => {
    const under = await post('x'.repeat(AWS_LIMITS.httpApiPayloadBytes));
    expect(under.status).toBe(400);
    const over = await post('x'.repeat(AWS_LIMITS.httpApiPayloadBytes + 1));
    expect(over.status).toBe(413);
  });

  it('answers 431 (no body) to a request line and headers over 10,240 bytes, before authorization', async () => {
    const get = (pathAndQuery: string, pad: number) =>
      fetch(`${server.url}${pathAndQuery}`, { headers: { authorization: `Bearer ${token}`, 'x-pad': 'p'.repeat(pad) } });
    const within = await get('/garmin/profile', AWS_LIMITS.httpApiRequestLineAndHeadersBytes - 2_000);
    expect(within.status).not.toBe(431);
    const overByHeader = await get('/garmin/profile', AWS_LIMITS.httpApiRequestLineAndHeadersBytes);
    expect(overByHeader.status).toBe(431);
    expect(await overByHeader.text()).toBe('');
    const overByQuery = await get(`/garmin/activities?cursor=${'c'.repeat(AWS_LIMITS.httpApiRequestLineAndHeadersBytes)}`, 0);
    expect(overByQuery.status).toBe(431);
  });
});
