/**
 * Synthesizes the real app (infra/app.ts: the stack + cdk-nag) without network, Docker or
 * toolchain: the layer is the placeholder (`skipLayerBuild`) and asset bundling (esbuild)
 * is skipped, which leaves the template as deployed but the assets dummies. The infra
 * tests check this template; the local runtime takes each function's IAM policy from it.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { buildApp } from './app';
import { REPO_ROOT } from './paths';
import type { GarminSyncStack } from './stack';

export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string[];
}

export interface TemplateJson {
  Resources: Record<string, TemplateResource>;
  Outputs?: Record<string, unknown>;
}

export interface OfflineSynth {
  app: App;
  stack: GarminSyncStack;
  assembly: CloudAssembly;
  /** The raw template, for walking every resource. */
  json: TemplateJson;
  outdir: string;
}

const cdkContext = (): Record<string, unknown> =>
  (JSON.parse(readFileSync(join(REPO_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> }).context;

/**
 * CDK's built-in CloudFormation schema validation takes ~10 s per synth: off unless asked
 * for (test/infra/nag.test.ts checks its report).
 */
export const synthOffline = (context: Record<string, unknown> = {}, { cfnValidation = false } = {}): OfflineSynth => {
  const outdir = mkdtempSync(join(tmpdir(), 'garmin-sync-cdk-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: cfnValidation,
    context: {
      ...cdkContext(),
      skipLayerBuild: 'true',
      // Skip esbuild: the template is the same, the assets are dummies.
      'aws:cdk:bundling-stacks': [],
      ...context,
    },
  });
  const { stack } = buildApp(app);
  const assembly = app.synth();
  const json = assembly.getStackArtifact(stack.artifactId).template as TemplateJson;
  return { app, stack, assembly, json, outdir };
};

/** The logical id of an L2 construct's main resource (or of a CfnElement itself). */
export const logicalIdOf = (stack: GarminSyncStack, construct: IConstruct): string => {
  const element = (CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild) as CfnElement | undefined;
  if (!element) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return stack.resolve(stack.getLogicalId(element)) as string;
};
