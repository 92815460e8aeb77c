/**
 * One TypeScript Lambda: its own log group (retention set, no log-retention custom
 * resource), its own role (see iam.ts), Node 22 on arm64 (cheaper per GB-second than
 * x86), bundled by the local esbuild (no Docker on build machines).
 */
import { Duration, RemovalPolicy, Validations, aws_lambda as lambda, aws_lambda_nodejs as nodejs, aws_logs as logs } from 'aws-cdk-lib';
import type { aws_iam as iam } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METRICS_NAMESPACE } from '../../functions/core/shared/metrics';
import { SERVICE_NAME } from '../config';
import { BUNDLE_OPTIONS } from '../bundling';
import { HANDLERS_DIR, LOCK_FILE, REPO_ROOT, TSCONFIG } from '../paths';
import { lambdaRole } from './iam';

/** infra/bundling.ts in the construct's terms. */
export const BUNDLING: nodejs.BundlingOptions = {
  format: nodejs.OutputFormat.ESM,
  target: BUNDLE_OPTIONS.target,
  mainFields: [...BUNDLE_OPTIONS.mainFields],
  banner: BUNDLE_OPTIONS.banner,
  minify: BUNDLE_OPTIONS.minify,
  sourceMap: true,
  sourceMapMode: nodejs.SourceMapMode.DEFAULT,
  sourcesContent: BUNDLE_OPTIONS.sourcesContent,
  esbuildArgs: Object.fromEntries(Object.entries(BUNDLE_OPTIONS.alias).map(([from, to]) => [`--alias:${from}`, to])),
  // The exact SDK versions of package-lock.json (the ones tested), not whatever the runtime ships.
  bundleAwsSDK: true,
  externalModules: [],
  forceDockerBundling: false,
  tsconfig: TSCONFIG,
};

/** The entry of one of the six functions: functions/handlers/<name>.ts. */
export const handlerEntry = (name: string): string => `${HANDLERS_DIR}/${name}.ts`;

export interface TsFunctionProps {
  /** Absolute path of the entry file; it exports `handler` (see handlerEntry). */
  entry: string;
  /** Short name for descriptions. */
  name: string;
  description: string;
  timeoutSeconds: number;
  memoryMb: number;
  environment: Record<string, string>;
  logRetention: logs.RetentionDays;
}

export class TsFunction extends Construct {
  readonly fn: nodejs.NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: TsFunctionProps) {
    super(scope, id);
    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: props.logRetention,
      // Logs follow the function: a deleted stack leaves no orphaned, still-billed log group.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    this.role = lambdaRole(this, 'Role', this.logGroup, `${props.name} function`);
    this.fn = new nodejs.NodejsFunction(this, 'Function', {
      entry: props.entry,
      handler: 'handler',
      projectRoot: REPO_ROOT,
      depsLockFilePath: LOCK_FILE,
      description: props.description,
      runtime: lambda.Runtime.NODEJS_22_X,
      architecture: lambda.Architecture.ARM_64,
      memorySize: props.memoryMb,
      timeout: Duration.seconds(props.timeoutSeconds),
      role: this.role,
      logGroup: this.logGroup,
      // JSON logs: Powertools already writes JSON; the platform's own lines match it.
      loggingFormat: lambda.LoggingFormat.JSON,
      bundling: BUNDLING,
      environment: {
        POWERTOOLS_SERVICE_NAME: SERVICE_NAME,
        POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...props.environment,
      },
    });
    Validations.of(this.fn.node.defaultChild as lambda.CfnFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'Node.js 22 is the runtime the code is built and tested for (esbuild target node22, @types/node 22, the team\'s Lambda baseline); Lambda supports it until 2027. Moving to a newer Node line is a deliberate upgrade of code, tests and this construct together.',
    });
  }
}
