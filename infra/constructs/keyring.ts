/**
 * The credential keyring: ONE Secrets Manager secret (never per-user secrets) holding
 * `{"current":"<kid>","keys":{"<kid>":"<base64 32 bytes>"}}` (functions/adapters/vault/keyring.ts).
 * CloudFormation creates it with a generated placeholder; a custom resource fills in the
 * keyring at the first deploy (infra/keyring-init/handler.ts). Rotation is an operator
 * action (docs/deploy.md): it adds a key and keeps the old ones.
 */
import { CustomResource, RemovalPolicy, Validations, aws_logs as logs, aws_secretsmanager as secrets } from 'aws-cdk-lib';
import type { aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { REPO_ROOT } from '../paths';
import { MEMORY_MB, TIMEOUT_SECONDS } from '../sizing';
import { allow } from './iam';
import { TsFunction } from './ts-function';

export interface KeyringProps {
  logRetention: logs.RetentionDays;
}

export class Keyring extends Construct {
  readonly secret: secrets.Secret;
  /** Completes once the secret holds a keyring: the vault's users depend on it. */
  readonly ready: CustomResource;

  constructor(scope: Construct, id: string, props: KeyringProps) {
    super(scope, id);
    this.secret = new secrets.Secret(this, 'Secret', {
      description: 'Vault keyring of the Garmin sync backend (encrypts stored Garmin credentials and tokens)',
      // The placeholder the initialiser replaces. NEVER change this property later: CloudFormation
      // would generate a new value over the keyring, and every stored credential would be lost.
      generateSecretString: { passwordLength: 32, excludePunctuation: true },
      // Losing the keyring loses every stored credential and token: it outlives the stack.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.secret.node.defaultChild as secrets.CfnSecret).acknowledge({
      id: 'AwsSolutions-SMG4',
      reason:
        'Rotation is the vault keyring\'s own operation (keyring-cli rotate): it adds a key and keeps every old one, because stored ciphertexts name the key that decrypts them. A Secrets Manager rotation Lambda replacing the value would make them undecryptable. Procedure in docs/deploy.md.',
    });

    const init = new TsFunction(this, 'InitFunction', {
      entry: `${REPO_ROOT}/infra/keyring-init/handler.ts`,
      name: 'keyring-init',
      description: 'Deploy time: puts the first vault keyring into the keyring secret',
      timeoutSeconds: TIMEOUT_SECONDS.keyringInit,
      memoryMb: MEMORY_MB.keyringInit,
      environment: {},
      logRetention: props.logRetention,
    });
    allow(init.role, ['secretsmanager:GetSecretValue', 'secretsmanager:PutSecretValue'], [this.secret.secretArn]);
    this.ready = new CustomResource(this, 'Initialized', {
      serviceToken: init.fn.functionArn,
      resourceType: 'Custom::VaultKeyring',
      properties: { SecretId: this.secret.secretArn },
    });
    // The resource's first event must find the function's permissions in place.
    this.ready.node.addDependency(init.role);
  }

  /** Only the functions that run the vault read the keyring, and only read it. */
  grantRead(grantee: iam.IGrantable): void {
    allow(grantee, ['secretsmanager:GetSecretValue'], [this.secret.secretArn]);
  }
}
