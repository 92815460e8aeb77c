/**
 * Least privilege, checked on the synthesized template: every policy statement in it is
 * walked for wildcards and denies, and each function's role, resolved as the local runtime
 * resolves it, must allow every permission infra/required-permissions.ts says its code uses
 * (judged by the same IAM evaluator the local runtime enforces with) and grant nothing else.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { REQUIRED_PERMISSIONS } from '../../infra/required-permissions';
import { resolvedPolicies } from '../../scripts/local/aws-rules';
import { type NamedPolicy, evaluateIam } from '../../scripts/local/aws-rules/iam-evaluator';
import { type LocalResources, arnOfTarget } from '../../scripts/local/aws-rules/local-resources';
import { type InvokableFunction, type StackPolicies, readStackPolicies } from '../../scripts/local/aws-rules/stack-policies';
import { tableNamesFor } from '../../scripts/local/create-tables';
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

/** The stack's resources under made-up local names, to evaluate the synthesized policies against. */
const LOCAL: LocalResources = {
  accountId: '123456789012',
  region: 'eu-west-1',
  tables: tableNamesFor('iam'),
  queues: {
    sync: { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/iam-sync', arn: 'arn:aws:sqs:eu-west-1:123456789012:iam-sync' },
    syncDeadLetters: { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/iam-dlq', arn: 'arn:aws:sqs:eu-west-1:123456789012:iam-dlq' },
    connectFailures: { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/iam-cf', arn: 'arn:aws:sqs:eu-west-1:123456789012:iam-cf' },
    webhooks: { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/iam-wh', arn: 'arn:aws:sqs:eu-west-1:123456789012:iam-wh' },
    webhookDeadLetters: { url: 'https://sqs.eu-west-1.amazonaws.com/123456789012/iam-whd', arn: 'arn:aws:sqs:eu-west-1:123456789012:iam-whd' },
  },
  secret: { name: 'iam-keyring', arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:iam-keyring-AbCdEf' },
  webhookSecret: { name: 'iam-webhooks', arn: 'arn:aws:secretsmanager:eu-west-1:123456789012:secret:iam-webhooks-GhIjKl' },
  functionName: (fn) => `iam-${fn}`,
};

const ROLES = Object.keys(REQUIRED_PERMISSIONS) as Array<keyof typeof REQUIRED_PERMISSIONS>;

describe('each function holds exactly what its code calls (infra/required-permissions.ts), judged by IAM', () => {
  let policies: StackPolicies;
  beforeAll(() => {
    policies = readStackPolicies(s);
  });
  const identity = (fn: InvokableFunction, adjust: (p: NamedPolicy[]) => NamedPolicy[] = (p) => p) => {
    const resolved = adjust(resolvedPolicies(policies, LOCAL, fn));
    return (action: string, resource: string) =>
      evaluateIam(resolved, { principal: `arn:aws:iam::${LOCAL.accountId}:role/${fn}`, accountId: LOCAL.accountId, action, resource });
  };

  it.each(ROLES)('%s: every permission its code (and Lambda for it) uses is allowed', async (fn) => {
    const decide = identity(fn);
    for (const { action, on } of REQUIRED_PERMISSIONS[fn]) {
      expect(await decide(action, arnOfTarget(LOCAL, fn, on)), `${fn}: ${action} on ${JSON.stringify(on)}`).toBe('Allowed');
    }
  });

  it.each(ROLES)('%s: is granted nothing the table does not list', (fn) => {
    const required = new Set(REQUIRED_PERMISSIONS[fn].map(({ action, on }) => `${action} ${arnOfTarget(LOCAL, fn, on)}`));
    const granted = resolvedPolicies(policies, LOCAL, fn).flatMap(({ document }) =>
      (document.Statement as Statement[]).flatMap((statement) =>
        asArray(statement.Action).flatMap((action) => asArray(statement.Resource as string | string[]).map((resource) => `${action} ${resource}`)),
      ),
    );
    expect(granted.length).toBeGreaterThan(0);
    expect(granted.filter((grant) => !required.has(grant))).toEqual([]);
  });

  it('the evaluator denies what a role lacks: sync and sync-worker without the by_start grant they had before', async () => {
    const byStart = arnOfTarget(LOCAL, 'sync', { table: 'data', index: 'by_start' });
    const withoutIndexGrants = (resolved: NamedPolicy[]) =>
      resolved.map(({ name, document }) => ({
        name,
        document: {
          ...document,
          Statement: (document.Statement as Statement[]).filter((st) => !asArray(st.Resource as string | string[]).some((r) => r.includes('/index/'))),
        },
      }));
    for (const fn of ['sync', 'syncWorker'] as const) {
      expect(await identity(fn)('dynamodb:Query', byStart)).toBe('Allowed');
      expect(await identity(fn, withoutIndexGrants)('dynamodb:Query', byStart)).toBe('ImplicitlyDenied');
      // The table itself stays queryable: the old grant looked complete.
      expect(await identity(fn, withoutIndexGrants)('dynamodb:Query', arnOfTarget(LOCAL, fn, { table: 'data' }))).toBe('Allowed');
    }
  });

  it('read may not write, dispatch may not read the keyring', async () => {
    expect(await identity('read')('dynamodb:PutItem', arnOfTarget(LOCAL, 'read', { table: 'data' }))).toBe('ImplicitlyDenied');
    expect(await identity('dispatch')('secretsmanager:GetSecretValue', LOCAL.secret.arn)).toBe('ImplicitlyDenied');
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
