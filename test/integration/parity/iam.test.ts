/**
 * IAM as AWS enforces it, locally: every SDK call, bridge invoke and connect-worker start
 * runs as its function's role, with the policy the CDK stack synthesizes. These tests fail
 * if the enforcement is switched off (LOCAL_AWS_RULES=off), and show the denial of the
 * grant sync had before the `by_start` fix.
 */
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FUNCTION_NAMES } from '../../../infra/constructs/functions';
import { REQUIRED_PERMISSIONS } from '../../../infra/required-permissions';
import type { NamedPolicy } from '../../../scripts/local/aws-rules/iam-evaluator';
import { arnOfTarget } from '../../../scripts/local/aws-rules/local-resources';
import { startLocalRuntime, type LocalRuntime } from '../../../scripts/local/runtime';
import { WebhookReceiver } from '../../../scripts/local/webhook-receiver';
import { ATHLETE, harnessForFile, PASSWORD } from '../core/harness';
import { rejectionOf } from '../../support/rejection';

interface AwsError {
  name: string;
  message: string;
  $fault: string;
  $metadata: { httpStatusCode?: number };
}

/** AWS SDK errors carry these next to Error's own fields. */
const rejection = async (promise: Promise<unknown>): Promise<AwsError> => (await rejectionOf(promise, Error)) as Error & AwsError;

/** The grant sync had before: Query on the data table, not on its indexes. */
const withoutIndexGrants = (policies: NamedPolicy[]): NamedPolicy[] =>
  policies.map(({ name, document }) => ({
    name,
    document: {
      ...document,
      Statement: document.Statement.filter((statement) => !JSON.stringify(statement).includes('/index/')),
    },
  }));

const PROFILE = { displayName: 'x', profileId: 1 };

describe('IAM enforced on every call a function makes', () => {
  let user: string;
  const receiver = new WebhookReceiver();
  const h = harnessForFile(async () => ({ webhookUrl: await receiver.start(), webhookBackoffSeconds: () => 0 }));
  beforeAll(async () => {
    receiver.useSecret(h.runtime.webhooks?.secret ?? '');
    user = h.newUser();
    expect((await h.api('POST /garmin/connection', { userId: user, body: { username: ATHLETE, password: PASSWORD } })).status).toBe(201);
    await h.runtime.drainQueue();
  });
  afterAll(() => receiver.stop());

  it('is on by default, with each function on its own role', () => {
    expect(h.runtime.awsRules, 'the local runtime runs without AWS rules (LOCAL_AWS_RULES=off?)').toBeDefined();
    const roles = Object.values(h.runtime.awsRules?.identities ?? {}).map((identity) => identity.roleName);
    expect(new Set(roles).size).toBe(7);
  });

  it('denies the read function a PutItem, like DynamoDB: AccessDeniedException naming role, action and resource', async () => {
    const error = await rejection(h.runtime.functions.read.services.deps.data.putProfile(user, PROFILE, new Date()));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.$fault).toBe('client');
    expect(error.$metadata.httpStatusCode).toBe(400);
    const role = h.runtime.awsRules?.identities.read.roleName ?? '';
    expect(role).toMatch(/Read/);
    expect(error.message).toContain(`assumed-role/${role}/`);
    expect(error.message).toContain('is not authorized to perform: dynamodb:PutItem on resource: arn:aws:dynamodb:');
    expect(error.message).toContain(`:table/${h.runtime.tables.data}`);
  });

  it('denies dispatch the keyring (GetSecretValue), and the read function the bridge (InvokeFunction, 403)', async () => {
    const secret = await rejection(h.runtime.functions.dispatch.services.deps.vault.encrypt(user, 'password', 'x'));
    expect(secret.name).toBe('AccessDeniedException');
    expect(secret.message).toContain('secretsmanager:GetSecretValue');
    const invoke = await rejection(h.runtime.functions.read.services.deps.bridge.call({ op: 'ping' }));
    expect(invoke).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(invoke.message).toMatch(/lambda:InvokeFunction on resource: arn:aws:lambda:\S+:function:\S+-garmin-bridge/);
  });

  it('denies the read function the sync queue: the signed SQS call (no SDK client) runs as the function too', async () => {
    const error = await rejection(h.runtime.functions.read.services.deps.queue.enqueue([{ userId: user, reason: 'scheduled' }]));
    expect(error).toMatchObject({ name: 'AccessDeniedException', $metadata: { httpStatusCode: 403 } });
    expect(error.message).toMatch(/sqs:SendMessage on resource: arn:aws:sqs:\S+/);
  });

  it('lets only the connect function start the connect worker', async () => {
    const job = { userId: user, attemptId: randomUUID() };
    const error = await rejection(h.runtime.functions.sync.services.deps.connectWorker.start(job));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toMatch(/lambda:InvokeFunction on resource: \S+:function:\S+-connect-worker/);
  });

  it('allows each function what its code calls, and the code calls nothing infra/required-permissions.ts does not list', async () => {
    const deniedBefore = h.runtime.awsRules?.denials.length ?? 0;
    expect((await h.api('POST /garmin/sync', { userId: user })).status).toBe(200);
    expect((await h.api('GET /garmin/activities', { userId: user, query: { limit: '5' } })).status).toBe(200);
    expect((await h.api('GET /garmin/profile', { userId: user })).status).toBe(200);
    await h.runtime.dispatch();
    expect((await h.api('DELETE /garmin/connection', { userId: user })).status).toBe(204);
    // Webhook delivery: one refused attempt (its backoff), then the deliveries.
    receiver.answers.push(500);
    await h.runtime.webhooks?.deliver();
    await h.runtime.webhooks?.deliver({ dueNow: true });
    expect(receiver.delivered().map((e) => e.type)).toContain('connection.disconnected');
    expect(h.runtime.awsRules?.denials.slice(deniedBefore)).toEqual([]);

    const rules = h.runtime.awsRules;
    if (!rules) throw new Error('no AWS rules');
    for (const fn of FUNCTION_NAMES) {
      const listed = new Set(
        REQUIRED_PERMISSIONS[fn].filter((p) => p.by === 'code').map(({ action, on }) => `${action} ${arnOfTarget(rules.local, fn, on)}`),
      );
      expect([...rules.identities[fn].used.keys()].filter((call) => !listed.has(call)), fn).toEqual([]);
    }
    // Not vacuous: the flow above ran every function.
    expect(FUNCTION_NAMES.filter((fn) => rules.identities[fn].used.size === 0)).toEqual([]);
  });
});

describe('the grant sync had before the by_start fix', () => {
  const h = harnessForFile();
  let old: LocalRuntime;
  beforeAll(async () => {
    old = await startLocalRuntime({
      prefix: `o${randomUUID().slice(0, 8)}`,
      awsRules: {
        adjustPolicies: (fn, policies) => (fn === 'sync' || fn === 'syncWorker' ? withoutIndexGrants(policies) : policies),
        onDenied: () => undefined,
      },
    });
  });
  afterAll(() => old.stop());

  it('is denied the activities query a sync makes (by_start), where the stack as it is allows it', async () => {
    const query = { from: '2020-01-01', limit: 10 };
    const error = await rejection(old.functions.sync.services.deps.data.queryActivities('someone', query));
    expect(error.name).toBe('AccessDeniedException');
    expect(error.message).toContain(`dynamodb:Query on resource: `);
    expect(error.message).toContain(`:table/${old.tables.data}/index/by_start`);
    await expect(h.runtime.functions.sync.services.deps.data.queryActivities('someone', query)).resolves.toMatchObject({ items: [] });
  });
});

describe('with the AWS rules switched off (only to show the tests above depend on them)', () => {
  let off: LocalRuntime;
  beforeAll(async () => {
    off = await startLocalRuntime({ prefix: `f${randomUUID().slice(0, 8)}`, enforceAwsRules: false });
  });
  afterAll(() => off.stop());

  it('lets the read function write: nothing but the enforcement denied it', async () => {
    expect(off.awsRules).toBeUndefined();
    await expect(off.functions.read.services.deps.data.putProfile('someone', PROFILE, new Date())).resolves.toBeUndefined();
  });
});
