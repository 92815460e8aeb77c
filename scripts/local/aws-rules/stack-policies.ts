/**
 * Each function's IAM policy exactly as the CDK stack synthesizes it: the offline synth
 * (infra/offline-synth.ts) is walked for the policies attached to each function's role,
 * and every logical id those policies reference is named by what it is (a table, a queue,
 * the keyring secret, a function, a log group), so it can be resolved to the local
 * resource standing in for it (intrinsics.ts). No hand-kept copy of any policy.
 */
import type { IConstruct } from 'constructs';
import type { TableKey } from '../../../functions/adapters/dynamo/tables';
import { FUNCTION_NAMES, type FunctionName } from '../../../infra/constructs/functions';
import { type OfflineSynth, type TemplateJson, logicalIdOf, synthOffline } from '../../../infra/offline-synth';

/** The deployed functions whose calls the local runtime checks; the bridge only as an invoke target. */
export { FUNCTION_NAMES, type FunctionName };
export type InvokableFunction = FunctionName | 'bridge';

export type LocalQueue = 'sync' | 'syncDeadLetters' | 'connectFailures' | 'webhooks' | 'webhookDeadLetters';

/** What a logical id of the template stands for. */
export type StackResource =
  | { kind: 'table'; table: TableKey }
  | { kind: 'queue'; queue: LocalQueue }
  | { kind: 'secret' }
  | { kind: 'webhookSecret' }
  | { kind: 'function'; fn: InvokableFunction }
  | { kind: 'logGroup'; fn: InvokableFunction };

/** One identity policy document, still holding CloudFormation intrinsics. */
export interface TemplatePolicy {
  name: string;
  document: unknown;
}

export interface StackPolicies {
  /** Per function: its role's logical id and every policy attached to the role. */
  roles: Record<InvokableFunction, { roleId: string; policies: TemplatePolicy[] }>;
  /** Logical id → the resource it stands for. */
  resources: Record<string, StackResource>;
}

interface RoleRef {
  Ref: string;
}

const rolesOf = (properties: Record<string, unknown> | undefined): string[] =>
  ((properties?.Roles ?? []) as RoleRef[]).map((role) => role.Ref);

/** Identity policies attached to a role: inline, AWS::IAM::Policy, and in-template managed policies. */
const policiesOf = (json: TemplateJson, roleId: string): TemplatePolicy[] => {
  const role = json.Resources[roleId];
  if (role?.Type !== 'AWS::IAM::Role') throw new Error(`stack policies: ${roleId} is not a role`);
  const inline = ((role.Properties?.Policies ?? []) as Array<{ PolicyName: string; PolicyDocument: unknown }>).map((p) => ({
    name: p.PolicyName,
    document: p.PolicyDocument,
  }));
  const attachedManaged = new Set<string>();
  for (const arn of (role.Properties?.ManagedPolicyArns ?? []) as unknown[]) {
    const ref = (arn as Partial<RoleRef>).Ref;
    // An AWS managed policy's content is not in the template: it cannot be evaluated here.
    if (!ref || json.Resources[ref]?.Type !== 'AWS::IAM::ManagedPolicy') {
      throw new Error(`stack policies: role ${roleId} has a managed policy outside the template (${JSON.stringify(arn)})`);
    }
    attachedManaged.add(ref);
  }
  const attached = Object.entries(json.Resources)
    .filter(
      ([id, r]) =>
        (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') &&
        (rolesOf(r.Properties).includes(roleId) || attachedManaged.has(id)),
    )
    .map(([id, r]) => ({ name: id, document: r.Properties?.PolicyDocument }));
  return [...inline, ...attached];
};

/** Reads the policies out of an offline synth of the stack (~2-3 s; callers cache). */
export const readStackPolicies = ({ stack, json }: Pick<OfflineSynth, 'stack' | 'json'> = synthOffline()): StackPolicies => {
  const id = (construct: IConstruct) => logicalIdOf(stack, construct);

  const resources: Record<string, StackResource> = {
    [id(stack.keyring.secret)]: { kind: 'secret' },
    [id(stack.pipeline.queue)]: { kind: 'queue', queue: 'sync' },
    [id(stack.pipeline.deadLetterQueue)]: { kind: 'queue', queue: 'syncDeadLetters' },
    [id(stack.pipeline.connectFailures)]: { kind: 'queue', queue: 'connectFailures' },
    [id(stack.webhooks.queue)]: { kind: 'queue', queue: 'webhooks' },
    [id(stack.webhooks.deadLetterQueue)]: { kind: 'queue', queue: 'webhookDeadLetters' },
    [id(stack.webhooks.secret)]: { kind: 'webhookSecret' },
    [id(stack.bridge.fn)]: { kind: 'function', fn: 'bridge' },
    [id(stack.bridge.logGroup)]: { kind: 'logGroup', fn: 'bridge' },
  };
  for (const [table, construct] of Object.entries(stack.storage.tables)) resources[id(construct)] = { kind: 'table', table: table as TableKey };
  const bridgeRole = id(stack.bridge.role);
  const roles = { bridge: { roleId: bridgeRole, policies: policiesOf(json, bridgeRole) } } as StackPolicies['roles'];
  for (const name of FUNCTION_NAMES) {
    const f = stack.functions[name];
    resources[id(f.fn)] = { kind: 'function', fn: name };
    resources[id(f.logGroup)] = { kind: 'logGroup', fn: name };
    const roleId = id(f.role);
    roles[name] = { roleId, policies: policiesOf(json, roleId) };
  }
  return { roles, resources };
};

let cached: StackPolicies | undefined;

/** The stack's policies, synthesized once per process. */
export const stackPolicies = (): StackPolicies => (cached ??= readStackPolicies());
