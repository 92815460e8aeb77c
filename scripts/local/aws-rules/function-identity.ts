/**
 * One deployed function's identity: its role and the policies the stack attaches to it,
 * resolved to the local resources. `authorize` asks IAM (iam-evaluator.ts) about every
 * permission a call needs and throws AWS's AccessDeniedException for the first it lacks.
 */
import { type AwsService, type Denial, accessDenied } from './aws-errors';
import { type IamDecision, type NamedPolicy, evaluateIam } from './iam-evaluator';
import { type LocalResources, PARTITION, roleArn } from './local-resources';
import type { Permission } from './sdk-permissions';
import type { FunctionName } from './stack-policies';

export class FunctionIdentity {
  readonly roleArn: string;
  /** The assumed-role session ARN AWS names in a denial. */
  readonly sessionArn: string;
  /** Every permission a call has used so far ("action resource"), for checking the grant table. */
  readonly used = new Map<string, Permission>();
  // Policies do not change and carry no conditions on request context: one answer per pair.
  private readonly decisions = new Map<string, Promise<IamDecision>>();

  constructor(
    readonly fn: FunctionName,
    readonly roleName: string,
    readonly policies: NamedPolicy[],
    private readonly local: Pick<LocalResources, 'accountId' | 'functionName'>,
    private readonly onDenied: (denial: Denial) => void = () => undefined,
  ) {
    this.roleArn = roleArn(local, roleName);
    this.sessionArn = `arn:${PARTITION}:sts::${local.accountId}:assumed-role/${roleName}/${local.functionName(fn)}`;
  }

  decide({ action, resource }: Permission): Promise<IamDecision> {
    const key = `${action} ${resource}`;
    let decision = this.decisions.get(key);
    if (!decision) {
      decision = evaluateIam(this.policies, { principal: this.roleArn, accountId: this.local.accountId, action, resource });
      this.decisions.set(key, decision);
    }
    return decision;
  }

  async authorize(service: AwsService, permissions: Permission[]): Promise<void> {
    for (const permission of permissions) {
      if ((await this.decide(permission)) === 'Allowed') {
        this.used.set(`${permission.action} ${permission.resource}`, permission);
        continue;
      }
      const denial: Denial = { service, sessionArn: this.sessionArn, ...permission };
      this.onDenied(denial);
      throw accessDenied(denial);
    }
  }
}
