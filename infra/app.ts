/**
 * CDK entry point (cdk.json: `npx tsx infra/app.ts`).
 *
 *   npx cdk deploy                                         Cognito user pool issues the JWTs
 *   npx cdk deploy -c jwtIssuer=https://… -c jwtAudience=a,b   the app's own identity provider
 *   npx cdk synth -c skipLayerBuild=true                   no pip / PyPI (not deployable)
 *
 * Every resource is checked by cdk-nag's AWS Solutions pack; findings that are accepted
 * are acknowledged next to the resource, each with its reason.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from './config';
import { GarminSyncStack } from './stack';

export const buildApp = (app: App = new App()): { app: App; stack: GarminSyncStack } => {
  const config = configFromContext((key) => app.node.tryGetContext(key));
  const stackName = (app.node.tryGetContext('stackName') as string | undefined) ?? 'GarminSync';
  const stack = new GarminSyncStack(app, stackName, {
    ...config,
    description: 'Garmin Connect sync backend (HTTP API, sync pipeline, Python bridge)',
    // Environment-agnostic unless the CLI knows the target (synth needs no credentials).
    ...(process.env.CDK_DEFAULT_ACCOUNT && process.env.CDK_DEFAULT_REGION
      ? { env: { account: process.env.CDK_DEFAULT_ACCOUNT, region: process.env.CDK_DEFAULT_REGION } }
      : {}),
  });
  // Acknowledged findings are also written into the template's Metadata (cdk_nag) as an audit trail.
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app, { verbose: true, writeSuppressionsToCloudFormation: true }));
  return { app, stack };
};

const isMain = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isMain) buildApp().app.synth();
