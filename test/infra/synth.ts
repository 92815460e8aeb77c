/**
 * Synthesizes the real app (infra/app.ts: the stack + cdk-nag) once per configuration and
 * caches it, so each test file pays for one synth. No network and no toolchain: the
 * layer is the placeholder (`skipLayerBuild`) and asset bundling (esbuild) is skipped;
 * the real bundles are built by `npx cdk synth` (docs/deploy.md) and by bundling.test.ts.
 * CDK's built-in CloudFormation schema validation takes ~10 s per synth, so only the file
 * that checks the validation report (nag.test.ts) turns it on.
 */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import { buildApp } from '../../infra/app';
import type { GarminSyncStack } from '../../infra/stack';

const cdkJson = JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'cdk.json'), 'utf8')) as {
  context: Record<string, unknown>;
};

export interface Synthesized {
  app: App;
  stack: GarminSyncStack;
  assembly: CloudAssembly;
  template: Template;
  /** The raw template, for walking every resource. */
  json: { Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; DependsOn?: string[] }>; Outputs?: Record<string, unknown> };
  outdir: string;
}

const cache = new Map<string, Synthesized>();

export const synth = (context: Record<string, unknown> = {}, { cfnValidation = false } = {}): Synthesized => {
  const key = JSON.stringify([context, cfnValidation]);
  const hit = cache.get(key);
  if (hit) return hit;
  const outdir = mkdtempSync(join(tmpdir(), 'garmin-sync-cdk-'));
  const app = new App({
    outdir,
    builtinCloudFormationValidation: cfnValidation,
    context: {
      ...cdkJson.context,
      skipLayerBuild: 'true',
      // Skip esbuild: the template is the same, the assets are dummies.
      'aws:cdk:bundling-stacks': [],
      ...context,
    },
  });
  const { stack } = buildApp(app);
  const assembly = app.synth();
  const artifact = assembly.getStackArtifact(stack.artifactId);
  const json = artifact.template as Synthesized['json'];
  const result = { app, stack, assembly, template: Template.fromJSON(json), json, outdir };
  cache.set(key, result);
  return result;
};

/** Resources of one type, by logical id. */
export const resourcesOf = (json: Synthesized['json'], type: string) =>
  Object.entries(json.Resources).filter(([, r]) => r.Type === type);

/** The logical id of an L2 construct's main resource (or of a CfnElement itself). */
export const idOf = (s: Synthesized, construct: IConstruct): string => {
  const element = (CfnElement.isCfnElement(construct) ? construct : construct.node.defaultChild) as CfnElement | undefined;
  if (!element) throw new Error(`${construct.node.path} has no CloudFormation resource`);
  return s.stack.resolve(s.stack.getLogicalId(element)) as string;
};

/** The six TypeScript functions by name, and the bridge: their logical ids. */
export const functionIds = (s: Synthesized): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(s.stack.functions.all()).map(([name, f]) => [name, idOf(s, f.fn)])),
  bridge: idOf(s, s.stack.bridge.fn),
});
