/**
 * Least privilege, checked on the synthesized template: every policy statement in it is
 * walked, and each function's role must hold exactly the permissions its code uses.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, functionIds, idOf, resourcesOf, synth } from './synth';

let s: Synthesized;
let fnIds: Record<string, string>;
beforeAll(() => {
  s = synth();
  fnIds = functionIds(s);
});

interface Statement {
  Effect: string;
  Action: string | string[];
  Resource?: unknown;
  NotAction?: unknown;
  NotResource?: unknown;
  Principal?: unknown;
  Condition?: unknown;
}

const asArray = <T>(value: T | T[] | undefined): T[] => (value === undefined ? [] : Array.isArray(value) ? value : [value]);

/** A resource reference as a readable string: `Logical.Arn`, `Logical`, `Logical.Arn/index/due`, or the literal. */
const describeResource = (resource: unknown): string => {
  if (typeof resource === 'string') return resource;
  const r = resource as { 'Fn::GetAtt'?: [string, string]; Ref?: string; 'Fn::Join'?: [string, unknown[]] };
  if (r['Fn::GetAtt']) return `${r['Fn::GetAtt'][0]}.${r['Fn::GetAtt'][1]}`;
  if (r.Ref) return r.Ref;
  if (r['Fn::Join']) return r['Fn::Join'][1].map(describeResource).join(r['Fn::Join'][0]);
  return JSON.stringify(resource);
};

/** Every identity-policy statement in the template, with the roles it is attached to. */
const allStatements = (): Array<{ policy: string; roles: string[]; statement: Statement }> => {
  const out: Array<{ policy: string; roles: string[]; statement: Statement }> = [];
  for (const [id, policy] of resourcesOf(s.json, 'AWS::IAM::Policy')) {
    const p = policy.Properties as { Roles?: Array<{ Ref: string }>; PolicyDocument: { Statement: Statement[] } };
    for (const statement of p.PolicyDocument.Statement) out.push({ policy: id, roles: (p.Roles ?? []).map((r) => r.Ref), statement });
  }
  for (const [id, role] of resourcesOf(s.json, 'AWS::IAM::Role')) {
    for (const inline of (role.Properties?.Policies ?? []) as Array<{ PolicyDocument: { Statement: Statement[] } }>) {
      for (const statement of inline.PolicyDocument.Statement) out.push({ policy: id, roles: [id], statement });
    }
  }
  return out;
};

/** role → sorted "action on resource" lines. */
const permissionsOf = (roleId: string): string[] =>
  allStatements()
    .filter(({ roles }) => roles.includes(roleId))
    .flatMap(({ statement }) =>
      asArray(statement.Action).flatMap((action) => asArray(statement.Resource).map((r) => `${action} ${describeResource(r)}`)),
    )
    .sort();

const roleOf = (fnId: string): string => (s.json.Resources[fnId]?.Properties?.Role as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];

describe('every policy in the template', () => {
  it('has statements (the walk below is not vacuous)', () => {
    expect(allStatements().length).toBeGreaterThan(30);
  });

  it('grants no wildcard action', () => {
    for (const { policy, statement } of allStatements()) {
      expect(statement.NotAction, policy).toBeUndefined();
      for (const action of asArray(statement.Action)) expect(action, policy).not.toMatch(/\*/);
    }
  });

  it('grants on no wildcard resource (no "*", no "<arn>:*", no "/index/*")', () => {
    for (const { policy, statement } of allStatements()) {
      expect(statement.NotResource, policy).toBeUndefined();
      for (const resource of asArray(statement.Resource)) {
        const text = describeResource(resource);
        expect(text, `${policy}: ${text}`).not.toMatch(/\*/);
      }
    }
  });

  it('only allows, never relies on a deny to narrow an allow', () => {
    for (const { policy, statement } of allStatements()) expect(statement.Effect, policy).toBe('Allow');
  });

  it('no role has a managed policy', () => {
    for (const [id, role] of resourcesOf(s.json, 'AWS::IAM::Role')) expect(role.Properties?.ManagedPolicyArns, id).toBeUndefined();
  });

  it('each function has its own role, trusted by Lambda only', () => {
    const roles = Object.values(fnIds).map(roleOf);
    expect(new Set(roles).size).toBe(roles.length);
    for (const role of roles) {
      expect(s.json.Resources[role]?.Properties?.AssumeRolePolicyDocument).toEqual({
        Statement: [{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' } }],
        Version: '2012-10-17',
      });
    }
  });
});

describe('each function holds exactly what its code uses', () => {
  const t = () => ({
    connections: idOf(s, s.stack.storage.tables.connections),
    data: idOf(s, s.stack.storage.tables.data),
    attempts: idOf(s, s.stack.storage.tables.attempts),
    secret: idOf(s, s.stack.keyring.secret),
    queue: idOf(s, s.stack.pipeline.queue),
    failures: idOf(s, s.stack.pipeline.connectFailures),
  });
  const logs = (name: string) => {
    const logGroup = (s.json.Resources[fnIds[name]!]?.Properties?.LoggingConfig as { LogGroup: { Ref: string } }).LogGroup.Ref;
    return [`logs:CreateLogStream ${logGroup}.Arn`, `logs:PutLogEvents ${logGroup}.Arn`];
  };
  const on = (table: string, ...actions: string[]) => actions.map((a) => `dynamodb:${a} ${table}.Arn`);
  const expectExactly = (name: string, expected: string[]) =>
    expect(permissionsOf(roleOf(fnIds[name]!)), name).toEqual([...logs(name), ...expected].sort());

  it('bridge: GetItem and UpdateItem on the attempts table, nothing else', () => {
    const { attempts } = t();
    expectExactly('bridge', on(attempts, 'GetItem', 'UpdateItem'));
  });

  it('read: reads only (GetItem, Query)', () => {
    const { connections, data } = t();
    expectExactly('read', [...on(connections, 'GetItem'), ...on(data, 'GetItem', 'Query'), `dynamodb:Query ${data}.Arn/index/by_start`]);
    const actions = permissionsOf(roleOf(fnIds.read!)).filter((p) => p.startsWith('dynamodb:'));
    for (const p of actions) expect(p).toMatch(/^dynamodb:(GetItem|Query) /);
  });

  it('dispatch: Query on the due index, UpdateItem on connections, the budget/breaker items, SendMessage', () => {
    const { connections, data, queue } = t();
    expectExactly('dispatch', [
      `dynamodb:Query ${connections}.Arn/index/due`,
      ...on(connections, 'UpdateItem'),
      ...on(data, 'GetItem', 'UpdateItem'),
      `sqs:SendMessage ${queue}.Arn`,
    ]);
  });

  it('connect: its stores, the keyring, the queue, and invoking the connect worker and the bridge', () => {
    const { connections, data, attempts, secret, queue } = t();
    expectExactly('connect', [
      ...on(connections, 'GetItem', 'UpdateItem', 'DeleteItem'),
      ...on(data, 'GetItem', 'PutItem', 'Query', 'BatchWriteItem'),
      ...on(attempts, 'GetItem', 'PutItem', 'UpdateItem', 'Query', 'BatchWriteItem'),
      `secretsmanager:GetSecretValue ${secret}`,
      `sqs:SendMessage ${queue}.Arn`,
      `lambda:InvokeFunction ${fnIds.connectWorker}.Arn`,
      `lambda:InvokeFunction ${fnIds.bridge}.Arn`,
    ]);
  });

  it('connect-worker: attempts, connection, erase on account change, keyring, queue, bridge, failure destination', () => {
    const { connections, data, attempts, secret, queue, failures } = t();
    expectExactly('connectWorker', [
      ...on(attempts, 'GetItem', 'UpdateItem'),
      ...on(connections, 'GetItem', 'UpdateItem'),
      ...on(data, 'Query', 'BatchWriteItem'),
      `secretsmanager:GetSecretValue ${secret}`,
      `sqs:SendMessage ${queue}.Arn`,
      `sqs:SendMessage ${failures}.Arn`,
      `lambda:InvokeFunction ${fnIds.bridge}.Arn`,
    ]);
  });

  it.each(['sync', 'syncWorker'])('%s: connection, data (lease, writes, erase), keyring, queue, bridge', (name) => {
    const { connections, data, secret, queue } = t();
    const consume =
      name === 'syncWorker'
        ? ['ReceiveMessage', 'ChangeMessageVisibility', 'GetQueueUrl', 'DeleteMessage', 'GetQueueAttributes'].map((a) => `sqs:${a} ${queue}.Arn`)
        : [];
    expectExactly(name, [
      ...on(connections, 'GetItem', 'UpdateItem'),
      ...on(data, 'GetItem', 'PutItem', 'UpdateItem', 'DeleteItem', 'Query', 'BatchWriteItem'),
      `secretsmanager:GetSecretValue ${secret}`,
      `sqs:SendMessage ${queue}.Arn`,
      `lambda:InvokeFunction ${fnIds.bridge}.Arn`,
      ...consume,
    ]);
  });
});

describe('cross-cutting', () => {
  it('only the vault users (and the deploy-time initialiser) touch the keyring secret', () => {
    const secret = idOf(s, s.stack.keyring.secret);
    const touching = allStatements()
      .filter(({ statement }) => asArray(statement.Resource).some((r) => describeResource(r) === secret))
      .flatMap(({ roles }) => roles);
    const vaultUsers = ['connect', 'connectWorker', 'sync', 'syncWorker'].map((n) => roleOf(fnIds[n]!));
    const initRole = idOf(s, s.stack.keyring.node.findChild('InitFunction').node.findChild('Role'));
    expect(new Set(touching)).toEqual(new Set([...vaultUsers, initRole]));
    const writes = allStatements().filter(({ statement }) => asArray(statement.Action).includes('secretsmanager:PutSecretValue'));
    expect(writes.flatMap(({ roles }) => roles)).toEqual([initRole]);
  });

  it('lambda:InvokeFunction only where a function is actually invoked', () => {
    const invokes = allStatements()
      .filter(({ statement }) => asArray(statement.Action).includes('lambda:InvokeFunction'))
      .flatMap(({ roles, statement }) => roles.flatMap((role) => asArray(statement.Resource).map((r) => `${role} -> ${describeResource(r)}`)))
      .sort();
    const scheduler = idOf(s, s.stack.pipeline.node.findChild('SchedulerRole'));
    expect(invokes).toEqual(
      [
        `${roleOf(fnIds.connect!)} -> ${fnIds.connectWorker}.Arn`,
        `${roleOf(fnIds.connect!)} -> ${fnIds.bridge}.Arn`,
        `${roleOf(fnIds.connectWorker!)} -> ${fnIds.bridge}.Arn`,
        `${roleOf(fnIds.sync!)} -> ${fnIds.bridge}.Arn`,
        `${roleOf(fnIds.syncWorker!)} -> ${fnIds.bridge}.Arn`,
        `${scheduler} -> ${fnIds.dispatch}.Arn`,
      ].sort(),
    );
  });

  it('the scheduler role can only be assumed by schedules of this account', () => {
    const scheduler = idOf(s, s.stack.pipeline.node.findChild('SchedulerRole'));
    expect(s.json.Resources[scheduler]?.Properties?.AssumeRolePolicyDocument).toMatchObject({
      Statement: [
        {
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
        },
      ],
    });
  });

  it('the bridge role appears in no statement but its own logs and the attempts table', () => {
    const bridgeRole = roleOf(fnIds.bridge!);
    const attempts = idOf(s, s.stack.storage.tables.attempts);
    for (const line of permissionsOf(bridgeRole)) {
      expect(line).toMatch(new RegExp(`^(logs:(CreateLogStream|PutLogEvents) \\w+\\.Arn|dynamodb:(GetItem|UpdateItem) ${attempts}\\.Arn)$`));
    }
  });
});
