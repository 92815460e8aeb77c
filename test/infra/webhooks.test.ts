/** The webhook delivery path in the stack: queue + DLQ + function + secret, the URL's checks at synth, the DLQ alarm. */
import { Match } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { WEBHOOK_RETRY } from '../../functions/adapters/webhooks/delivery';
import { ENV } from '../../functions/core/shared/env';
import { configFromContext, validateConfig } from '../../infra/config';
import { functionIds, idOf, synth } from './synth';

const URL_OK = 'https://hooks.example.com/garmin';
const getAtt = (id: string) => ({ 'Fn::GetAtt': [id, 'Arn'] });

describe('webhook delivery', () => {
  it('the delivery function consumes its queue in batches with partial failures; failures end in the dead-letter queue', () => {
    const s = synth();
    const fnIds = functionIds(s);
    s.template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: fnIds.deliverEvents },
      EventSourceArn: getAtt(idOf(s, s.stack.webhooks.queue)),
      FunctionResponseTypes: ['ReportBatchItemFailures'],
    });
    const queue = s.json.Resources[idOf(s, s.stack.webhooks.queue)]?.Properties ?? {};
    expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: getAtt(idOf(s, s.stack.webhooks.deadLetterQueue)), maxReceiveCount: WEBHOOK_RETRY.maxReceiveCount });
    // SQS keeps a message past the retry window, so the window ends the retries and not retention.
    expect(Number(queue.MessageRetentionPeriod)).toBeGreaterThan(WEBHOOK_RETRY.windowSeconds);
    expect(WEBHOOK_RETRY.windowSeconds).toBeGreaterThanOrEqual(24 * 3600);
  });

  it('an alarm fires on the first event in the dead-letter queue', () => {
    const s = synth();
    s.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [idOf(s, s.stack.webhooks.deadLetterQueue), 'QueueName'] } }],
      Threshold: 1,
      AlarmActions: Match.anyValue(),
    });
  });

  it('the signing secret is generated at deploy, never written into the template', () => {
    const s = synth();
    const secret = s.json.Resources[idOf(s, s.stack.webhooks.secret)]?.Properties ?? {};
    expect(secret.GenerateSecretString).toMatchObject({ GenerateStringKey: 'current', SecretStringTemplate: '{}' });
    expect(secret.SecretString).toBeUndefined();
  });

  it('with webhookUrl configured the publishers get the queue and the function gets the URL', () => {
    const s = synth({ webhookUrl: URL_OK });
    const fnIds = functionIds(s);
    const envOf = (name: string) => (s.json.Resources[fnIds[name]!]?.Properties?.Environment as { Variables: Record<string, unknown> }).Variables;
    expect(envOf('deliverEvents')[ENV.webhookUrl]).toBe(URL_OK);
    for (const fn of ['connect', 'connectWorker', 'sync', 'syncWorker']) {
      expect(envOf(fn)[ENV.webhookQueueUrl], fn).toEqual({ Ref: idOf(s, s.stack.webhooks.queue) });
    }
    expect(envOf('read')[ENV.webhookQueueUrl]).toBeUndefined();
  });

  it.each([
    'http://hooks.example.com/garmin',
    'https://169.254.169.254/latest/meta-data/',
    'https://10.0.0.12/hook',
    'https://[fd00:ec2::254]/',
    'https://[::1]:8443/',
    'https://localhost/hook',
    'http://127.0.0.1:3000/hook',
  ])('refuses %s at synth (no SSRF by configuration)', (webhookUrl) => {
    expect(() => validateConfig(configFromContext((key) => (key === 'webhookUrl' ? webhookUrl : undefined)))).toThrow(/webhook URL refused/);
    expect(() => synth({ webhookUrl })).toThrow(/webhook URL refused/);
  });
});
