/**
 * cdk-nag (AWS Solutions pack, v3: a CDK policy-validation plugin) and CDK's own checks:
 * the synth must leave no unacknowledged finding of any severity, no warning or error
 * annotation, and every acknowledgement must say why. This is the one synth with CDK's
 * built-in CloudFormation schema validation on (the slow part, ~10 s).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Synthesized, synth } from './synth';

let s: Synthesized;
beforeAll(() => {
  // Throws (NODE_ENV=test runs the app in-memory) if any plugin reports an error.
  s = synth({}, { cfnValidation: true });
}, 120_000);

interface Report {
  pluginReports: Array<{
    pluginName: string;
    conclusion: string;
    violations: Array<{ ruleName: string; severity: string; violatingConstructs: Array<{ constructPath: string }> }>;
  }>;
}

const acknowledgements = () =>
  s.stack.node.findAll().flatMap((construct) =>
    construct.node.metadata
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY && entry.data)
      .flatMap((entry) =>
        Object.entries(entry.data as Record<string, string>).map(([id, reason]) => ({
          path: construct.node.path,
          id: id.replace(/^annotation::/i, ''),
          reason,
        })),
      ),
  );

describe('cdk-nag and CDK validation', () => {
  it('the validation report lists no finding at all (errors or warnings)', () => {
    const file = join(s.outdir, 'validation-report.json');
    const report: Report = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : { pluginReports: [] };
    const findings = report.pluginReports.flatMap((plugin) =>
      plugin.violations.map((v) => `${plugin.pluginName} ${v.severity} ${v.ruleName} at ${v.violatingConstructs.map((c) => c.constructPath).join(', ')}`),
    );
    expect(findings).toEqual([]);
  });

  it('no warning or error annotation on any construct', () => {
    const messages = s.assembly.stacks.flatMap((stack) =>
      stack.messages.filter((m) => m.level === 'warning' || m.level === 'error').map((m) => `${m.level} ${m.id}: ${String(m.entry.data)}`),
    );
    expect(messages).toEqual([]);
  });

  it('every acknowledgement gives a reason of substance', () => {
    const acks = acknowledgements();
    expect(acks.length).toBeGreaterThan(0);
    for (const ack of acks) {
      expect(ack.reason.length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(80);
    }
  });

  it('acknowledges only the findings the design accepts (docs/deploy.md lists them)', () => {
    const byRule = new Map<string, string[]>();
    for (const ack of acknowledgements()) byRule.set(ack.id, [...(byRule.get(ack.id) ?? []), ack.path]);
    expect([...byRule.keys()].sort()).toEqual(['AwsSolutions-COG2', 'AwsSolutions-COG8', 'AwsSolutions-L1', 'AwsSolutions-SMG4', 'AwsSolutions-SQS3']);
    // L1 (Node 22 / Python 3.13 pinned on purpose): the nine functions, and only functions.
    expect(byRule.get('AwsSolutions-L1')).toHaveLength(9);
    for (const path of byRule.get('AwsSolutions-L1') ?? []) expect(path).toMatch(/\/Function\/Resource$/);
    // No IAM finding is acknowledged: least privilege is met, not waived.
    expect([...byRule.keys()].filter((id) => id.startsWith('AwsSolutions-IAM'))).toEqual([]);
  });

  it('acknowledgements are written into the template (cdk_nag metadata) as an audit trail', () => {
    const written = Object.values(s.json.Resources).flatMap(
      (r) => (r as { Metadata?: { cdk_nag?: { rules_to_suppress: Array<{ id: string; reason: string }> } } }).Metadata?.cdk_nag?.rules_to_suppress ?? [],
    );
    expect(written.map((rule) => rule.id).sort()).toEqual(acknowledgements().map((ack) => ack.id).sort());
    for (const rule of written) expect(rule.reason.length).toBeGreaterThanOrEqual(80);
  });
});
