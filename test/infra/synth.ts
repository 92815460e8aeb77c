/**
 * The offline synth of the real app (infra/offline-synth.ts), once per configuration and
 * cached, so each test file pays for one synth. The real bundles are built by
 * `npx cdk synth` (docs/deploy.md) and by bundling.test.ts.
 */
import { Template } from 'aws-cdk-lib/assertions';
import type { IConstruct } from 'constructs';
import { type OfflineSynth, type TemplateJson, logicalIdOf, synthOffline } from '../../infra/offline-synth';

export interface Synthesized extends OfflineSynth {
  template: Template;
}

const cache = new Map<string, Synthesized>();

export const synth = (context: Record<string, unknown> = {}, { cfnValidation = false } = {}): Synthesized => {
  const key = JSON.stringify([context, cfnValidation]);
  const hit = cache.get(key);
  if (hit) return hit;
  const synthesized = synthOffline(context, { cfnValidation });
  const result = { ...synthesized, template: Template.fromJSON(synthesized.json) };
  cache.set(key, result);
  return result;
};

/** Resources of one type, by logical id. */
export const resourcesOf = (json: TemplateJson, type: string) => Object.entries(json.Resources).filter(([, r]) => r.Type === type);

/** The logical id of an L2 construct's main resource (or of a CfnElement itself). */
export const idOf = (s: Synthesized, construct: IConstruct): string => logicalIdOf(s.stack, construct);

/** The six TypeScript functions by name, and the bridge: their logical ids. */
export const functionIds = (s: Synthesized): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(s.stack.functions.all()).map(([name, f]) => [name, idOf(s, f.fn)])),
  bridge: idOf(s, s.stack.bridge.fn),
});
