/**
 * IAM's decision for one request, by @cloud-copilot/iam-simulate (a full implementation of
 * AWS's policy evaluation logic: actions and resources with wildcards, conditions, explicit
 * denies). Only identity policies apply here: the functions' resources carry no resource
 * policies the code relies on, and the fake account has no SCPs.
 */
import { runSimulation } from '@cloud-copilot/iam-simulate';

export interface PolicyDocument {
  Version: string;
  Statement: unknown[];
}

export interface NamedPolicy {
  name: string;
  document: PolicyDocument;
}

export type IamDecision = 'Allowed' | 'ExplicitlyDenied' | 'ImplicitlyDenied';

export interface IamRequest {
  /** The role (or any principal) ARN making the call. */
  principal: string;
  accountId: string;
  action: string;
  resource: string;
}

export const evaluateIam = async (policies: NamedPolicy[], request: IamRequest): Promise<IamDecision> => {
  const result = await runSimulation(
    {
      request: {
        principal: request.principal,
        action: request.action,
        resource: { resource: request.resource, accountId: request.accountId },
        contextVariables: {},
      },
      identityPolicies: policies.map(({ name, document }) => ({ name, policy: document })),
      serviceControlPolicies: [],
      resourceControlPolicies: [],
    },
    {},
  );
  // A request the evaluator cannot judge (unknown action, malformed policy) is a bug here, never an allow.
  if (result.resultType === 'error') {
    throw new Error(`local IAM: cannot evaluate ${request.action} on ${request.resource}: ${JSON.stringify(result.errors)}`);
  }
  return result.overallResult;
};
