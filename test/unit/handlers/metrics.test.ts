/** Metrics are published when an invocation recorded some, and nothing is printed when it recorded none. */
import { MetricUnit } from '@aws-lambda-powertools/metrics';
import { afterEach, describe, expect, it, vi } from 'vitest';

// Metrics read the switch once, when built: as in a Lambda, not as the integration tests'
// global setup leaves this process (metrics off), whatever project ran first.
vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
const { metrics, publishMetrics } = await import('../../../functions/handlers/commons/metrics');

const printed = (): string[] => {
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  return lines;
};

afterEach(() => {
  vi.restoreAllMocks();
});

describe('publishMetrics', () => {
  it('prints nothing (no Powertools "No application metrics" warning) when nothing was recorded', () => {
    const lines = printed();
    publishMetrics();
    expect(lines).toEqual([]);
  });

  it('prints the recorded metrics as one EMF line', () => {
    const lines = printed();
    metrics.addMetric('SyncsSucceeded', MetricUnit.Count, 1);
    publishMetrics();
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ SyncsSucceeded: 1 });
  });
});
