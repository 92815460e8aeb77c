/**
 * Resolves the CloudFormation intrinsics in a synthesized policy (Ref, Fn::GetAtt,
 * Fn::Join, Fn::Sub and the pseudo parameters) to the local resources' names and ARNs.
 * Anything else is an error: a policy that cannot be resolved cannot be enforced.
 */
import {
  type LocalResources,
  PARTITION,
  functionArn,
  logGroupArn,
  logGroupName,
  tableArn,
} from './local-resources';
import type { StackResource } from './stack-policies';

type Resolve = (logicalId: string, attribute?: string) => string;

const pseudo = (local: LocalResources): Record<string, string> => ({
  'AWS::Partition': PARTITION,
  'AWS::Region': local.region,
  'AWS::AccountId': local.accountId,
  'AWS::URLSuffix': 'amazonaws.com',
});

const attributeOf = (local: LocalResources, resource: StackResource, attribute: string | undefined): string | undefined => {
  switch (resource.kind) {
    case 'table':
      return attribute === 'Arn' ? tableArn(local, local.tables[resource.table]) : attribute ? undefined : local.tables[resource.table];
    case 'queue': {
      const queue = local.queues[resource.queue];
      return attribute === 'Arn' ? queue.arn : attribute ? undefined : queue.url;
    }
    case 'secret':
      // Ref of AWS::SecretsManager::Secret is its ARN.
      return attribute ? undefined : local.secret.arn;
    case 'webhookSecret':
      return attribute ? undefined : local.webhookSecret.arn;
    case 'function': {
      const name = local.functionName(resource.fn);
      return attribute === 'Arn' ? functionArn(local, name) : attribute ? undefined : name;
    }
    case 'logGroup': {
      const name = local.functionName(resource.fn);
      return attribute === 'Arn' ? logGroupArn(local, name) : attribute ? undefined : logGroupName(name);
    }
  }
};

const resolver =
  (local: LocalResources, resources: Record<string, StackResource>): Resolve =>
  (logicalId, attribute) => {
    const value = attribute === undefined ? pseudo(local)[logicalId] : undefined;
    if (value !== undefined) return value;
    const resource = resources[logicalId];
    const resolved = resource ? attributeOf(local, resource, attribute) : undefined;
    if (resolved === undefined) {
      throw new Error(`local IAM: cannot resolve ${attribute ? `${logicalId}.${attribute}` : logicalId} to a local resource (scripts/local/aws-rules/stack-policies.ts)`);
    }
    return resolved;
  };

const substitute = (template: string, resolve: Resolve, variables: Record<string, string>): string =>
  template.replace(/\$\{(!?)([^}]+)\}/g, (_, literal: string, name: string) => {
    if (literal) return `\${${name}}`;
    if (name in variables) return variables[name] as string;
    const [id = '', attribute] = name.includes('::') ? [name] : name.split('.');
    return resolve(id, attribute);
  });

const resolveValue = (value: unknown, resolve: Resolve): unknown => {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, resolve));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  const [key, argument] = entries[0] ?? [];
  if (entries.length === 1 && (key === 'Ref' || key?.startsWith('Fn::'))) {
    switch (key) {
      case 'Ref':
        return resolve(String(argument));
      case 'Fn::GetAtt': {
        const [id, attribute] = typeof argument === 'string' ? argument.split('.') : (argument as [string, string]);
        return resolve(id ?? '', attribute);
      }
      case 'Fn::Join': {
        const [separator, parts] = argument as [string, unknown[]];
        return parts.map((part) => String(resolveValue(part, resolve))).join(separator);
      }
      case 'Fn::Sub': {
        const [template, variables = {}] = typeof argument === 'string' ? [argument] : (argument as [string, Record<string, unknown>]);
        const resolvedVariables = Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, String(resolveValue(v, resolve))]));
        return substitute(template, resolve, resolvedVariables);
      }
      default:
        throw new Error(`local IAM: intrinsic ${key} is not supported in policies`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveValue(v, resolve)]));
};

/** A policy document with every intrinsic replaced by the local value it stands for. */
export const resolvePolicyDocument = (document: unknown, local: LocalResources, resources: Record<string, StackResource>): unknown =>
  resolveValue(document, resolver(local, resources));
