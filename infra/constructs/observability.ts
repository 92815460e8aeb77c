/**
 * Alarms (all to one SNS topic) and one dashboard. Alarms fire on what needs a human:
 * jobs in a dead-letter queue, any function error or throttle, a sync backlog, API 5xx.
 * The dashboard shows the product metrics the functions emit through Powertools (EMF,
 * namespace and names from functions/core/shared/metrics.ts, dimension `service`) next to the
 * Lambda / SQS / API Gateway basics.
 */
import {
  Duration,
  aws_cloudwatch as cw,
  aws_cloudwatch_actions as actions,
  aws_sns as sns,
  aws_sns_subscriptions as subscriptions,
  type aws_apigatewayv2 as apigw,
  type aws_lambda as lambda,
  type aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { METRIC, METRICS_NAMESPACE } from '../../functions/core/shared/metrics';
import { SERVICE_NAME } from '../config';

export interface ObservabilityProps {
  functions: Record<string, lambda.IFunction>;
  syncQueue: sqs.IQueue;
  deadLetterQueues: Record<string, sqs.IQueue>;
  httpApi: apigw.IHttpApi;
  alarmEmail?: string;
}

const FIVE_MINUTES = Duration.minutes(5);

/** A product metric as Powertools publishes it. */
const product = (name: string, statistic = cw.Stats.SUM): cw.Metric =>
  new cw.Metric({ namespace: METRICS_NAMESPACE, metricName: name, dimensionsMap: { service: SERVICE_NAME }, statistic, period: FIVE_MINUTES });

export class Observability extends Construct {
  readonly topic: sns.Topic;
  readonly dashboard: cw.Dashboard;
  readonly alarms: cw.Alarm[] = [];

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    // Alarm states only, no user data: SSE would need a customer-managed KMS key (CloudWatch
    // cannot publish with the AWS-managed SNS key), the topic's only recurring cost.
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: 'Garmin sync alarms', enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const notify = new actions.SnsAction(this.topic);
    const alarm = (id: string, metric: cw.IMetric, threshold: number, description: string, periods = 1): cw.Alarm => {
      const created = new cw.Alarm(this, id, {
        metric,
        threshold,
        evaluationPeriods: periods,
        comparisonOperator: cw.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treatMissingData: cw.TreatMissingData.NOT_BREACHING,
        alarmDescription: description,
      });
      created.addAlarmAction(notify);
      this.alarms.push(created);
      return created;
    };

    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(
        `${name}Depth`,
        queue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cw.Stats.MAXIMUM }),
        1,
        `Messages in ${name}: jobs that failed for good. Inspect them (docs/deploy.md), fix, then redrive or purge.`,
      );
    }
    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, fn.metricErrors({ period: FIVE_MINUTES }), 1, `${name}: invocations failed (see its log group).`);
      alarm(`${name}Throttles`, fn.metricThrottles({ period: FIVE_MINUTES }), 1, `${name}: invocations throttled (account concurrency).`);
    }
    // Syncs waiting longer than a sync interval mean the workers cannot keep up (or Garmin is slow).
    alarm(
      'SyncBacklog',
      props.syncQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cw.Stats.MAXIMUM }),
      15 * 60,
      'The oldest queued sync waited 15 minutes or more: raise the worker concurrency or look for a slow Garmin.',
      3,
    );
    alarm(
      'Api5xx',
      props.httpApi.metricServerError({ period: FIVE_MINUTES, statistic: cw.Stats.SUM }),
      5,
      'The API answered 5xx (the functions map every expected error to 4xx; 503 is a timeout).',
    );

    this.dashboard = new cw.Dashboard(this, 'Dashboard', { defaultInterval: Duration.days(1) });
    const graph = (title: string, left: cw.IMetric[], width = 8): cw.GraphWidget =>
      new cw.GraphWidget({ title, left, width, height: 6 });
    const fns = Object.entries(props.functions);
    this.dashboard.addWidgets(
      new cw.TextWidget({
        markdown: `# Garmin sync\nProduct metrics: namespace \`${METRICS_NAMESPACE}\`, dimension \`service=${SERVICE_NAME}\` (Powertools EMF). Alarms go to the SNS topic in the stack outputs.`,
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(
      graph('Syncs', [product(METRIC.syncsSucceeded), product(METRIC.syncsFailed), product(METRIC.syncsDeferred), product(METRIC.dispatched)]),
      graph('Garmin requests', [product(METRIC.garminRequests), product(METRIC.garminRateLimited), product(METRIC.logins)]),
      graph('Connects', [product(METRIC.connectsSucceeded), product(METRIC.connectsFailed)]),
      graph('Webhooks', [product(METRIC.webhooksDelivered), product(METRIC.webhookAttemptsFailed), product(METRIC.webhooksDeadLettered)]),
    );
    this.dashboard.addWidgets(
      graph('Sync lag (s, due → ran)', [product(METRIC.syncLagSeconds, cw.Stats.p(90)), product(METRIC.syncLagSeconds, cw.Stats.MAXIMUM)]),
      graph('Sync queue', [
        props.syncQueue.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cw.Stats.MAXIMUM }),
        props.syncQueue.metricApproximateAgeOfOldestMessage({ period: FIVE_MINUTES, statistic: cw.Stats.MAXIMUM }),
        ...Object.values(props.deadLetterQueues).map((q) =>
          q.metricApproximateNumberOfMessagesVisible({ period: FIVE_MINUTES, statistic: cw.Stats.MAXIMUM }),
        ),
      ]),
      graph('API', [
        props.httpApi.metricCount({ period: FIVE_MINUTES }),
        props.httpApi.metricClientError({ period: FIVE_MINUTES }),
        props.httpApi.metricServerError({ period: FIVE_MINUTES }),
      ]),
    );
    this.dashboard.addWidgets(
      graph('Lambda errors', fns.map(([name, fn]) => fn.metricErrors({ period: FIVE_MINUTES, label: name })), 6),
      graph('Lambda throttles', fns.map(([name, fn]) => fn.metricThrottles({ period: FIVE_MINUTES, label: name })), 6),
      graph('Lambda duration p90 (ms)', fns.map(([name, fn]) => fn.metricDuration({ period: FIVE_MINUTES, statistic: cw.Stats.p(90), label: name })), 6),
      graph('Lambda concurrency (max)', fns.map(([name, fn]) =>
        fn.metric('ConcurrentExecutions', { period: FIVE_MINUTES, statistic: cw.Stats.MAXIMUM, label: name }),
      ), 6),
    );
  }
}
