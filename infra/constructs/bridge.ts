/**
 * The Garmin bridge: Python 3.13 on arm64. Its code and the pinned garminconnect live in
 * one layer (`/opt/python/garmin_bridge`), so the function's own package is a stub.
 * It may touch nothing but the attempts table (the MFA mailbox), and it never gets
 * GARMIN_BASE_URL: that test seam points the library at a simulator.
 */
import { join } from 'node:path';
import {
  AssetHashType,
  DockerImage,
  Duration,
  FileSystem,
  RemovalPolicy,
  Validations,
  aws_lambda as lambda,
  aws_logs as logs,
  type aws_dynamodb as dynamodb,
  type aws_iam as iam,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { TABLES } from '../../functions/adapters/dynamo/tables';
import { PYTHON_LAYER_DIR, REPO_ROOT } from '../paths';
import { MEMORY_MB, TIMEOUT_SECONDS } from '../sizing';
import { allowTable, lambdaRole } from './iam';
import { PythonLayerBundling, layerBuildFingerprint } from './layer-bundling';

/** The handler inside the layer. */
export const BRIDGE_HANDLER = 'garmin_bridge.lambda_handler.handler';

/** Stand-in layer for tests and offline synths (`-c skipLayerBuild=true`): a few bytes, no pip. */
const PLACEHOLDER_LAYER_DIR = join(REPO_ROOT, 'infra', 'assets', 'layer-placeholder');

/** Files of python-layer/ that are not part of the layer (and must not change its hash). */
const LAYER_SOURCE_EXCLUDES = ['dist', 'tests', '.ruff_cache', '.pytest_cache', '.mypy_cache', '**/__pycache__', '**/*.pyc', 'requirements-dev.txt'];

export interface BridgeProps {
  attemptsTable: dynamodb.ITable;
  logRetention: logs.RetentionDays;
  skipLayerBuild: boolean;
  python?: string;
  /** Optional cap on simultaneous bridge runs (reserved concurrency); unset by default. */
  reservedConcurrency?: number;
}

export class Bridge extends Construct {
  readonly fn: lambda.Function;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly layer: lambda.LayerVersion;

  constructor(scope: Construct, id: string, props: BridgeProps) {
    super(scope, id);
    const architecture = lambda.Architecture.ARM_64;
    this.layer = new lambda.LayerVersion(this, 'Layer', {
      description: 'garmin_bridge + pinned garminconnect (python-layer/requirements.txt)',
      compatibleRuntimes: [lambda.Runtime.PYTHON_3_13],
      compatibleArchitectures: [architecture],
      code: props.skipLayerBuild ? lambda.Code.fromAsset(PLACEHOLDER_LAYER_DIR) : this.layerCode(props.python),
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', { retention: props.logRetention, removalPolicy: RemovalPolicy.DESTROY });
    this.role = lambdaRole(this, 'Role', this.logGroup, 'Garmin bridge: the MFA mailbox only');
    // mailbox.py: get_item (poll for the code) and update_item (mark, take, record). Nothing else.
    allowTable(this.role, props.attemptsTable, ['GetItem', 'UpdateItem']);

    this.fn = new lambda.Function(this, 'Function', {
      description: 'Garmin bridge: talks to Garmin Connect through the pinned garminconnect package',
      runtime: lambda.Runtime.PYTHON_3_13,
      architecture,
      handler: BRIDGE_HANDLER,
      code: lambda.Code.fromInline('# The bridge lives in its layer: /opt/python/garmin_bridge\n'),
      layers: [this.layer],
      memorySize: MEMORY_MB.bridge,
      timeout: Duration.seconds(TIMEOUT_SECONDS.bridge),
      role: this.role,
      logGroup: this.logGroup,
      loggingFormat: lambda.LoggingFormat.JSON,
      ...(props.reservedConcurrency ? { reservedConcurrentExecutions: props.reservedConcurrency } : {}),
      environment: {
        [TABLES.attempts.envVar]: props.attemptsTable.tableName,
        LOG_LEVEL: 'INFO',
      },
    });
    Validations.of(this.fn.node.defaultChild as lambda.CfnFunction).acknowledge({
      id: 'AwsSolutions-L1',
      reason:
        'The layer\'s native wheels (curl_cffi, cffi) are installed for CPython 3.13 exactly (pip --python-version 3.13) and the bridge\'s tests run on 3.13; Lambda supports python3.13 until 2029. A newer Python means rebuilding and re-testing the pinned layer first.',
    });
  }

  private layerCode(python: string | undefined): lambda.Code {
    const venvPython = join(REPO_ROOT, '.venv', 'bin', 'python');
    return lambda.Code.fromAsset(PYTHON_LAYER_DIR, {
      // Hash the sources (requirements + package) and the build flags, not pip's output, which
      // differs run to run: an unchanged layer must not publish a new version at every deploy.
      assetHashType: AssetHashType.CUSTOM,
      assetHash: FileSystem.fingerprint(PYTHON_LAYER_DIR, { exclude: LAYER_SOURCE_EXCLUDES, extraHash: layerBuildFingerprint('arm64') }),
      exclude: LAYER_SOURCE_EXCLUDES,
      bundling: {
        local: new PythonLayerBundling({
          sourceDir: PYTHON_LAYER_DIR,
          architecture: 'arm64',
          python: python ?? process.env.PYTHON,
          candidates: [venvPython, 'python3.13', 'python3.12', 'python3'],
        }),
        // Required by the API; never used, since local bundling either succeeds or throws.
        image: DockerImage.fromRegistry('public.ecr.aws/sam/build-python3.13'),
      },
    });
  }
}
