/**
 * The background flows: the schedule that runs dispatch, the sync queue (+ DLQ) that
 * feeds the sync worker, and the connect worker's asynchronous-invoke settings.
 */
import {
  Duration,
  Stack,
  Validations,
  aws_iam as iam,
  aws_lambda as lambda,
  aws_lambda_event_sources as sources,
  aws_scheduler as scheduler,
  aws_sqs as sqs,
} from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { LIMITS } from '../../functions/core/shared/limits';
import {
  DISPATCH_RATE_MINUTES,
  SYNC_BATCH_SIZE,
  SYNC_BATCHING_WINDOW_SECONDS,
  SYNC_MAX_CONCURRENCY,
  SYNC_MAX_RECEIVE_COUNT,
  SYNC_QUEUE_VISIBILITY_SECONDS,
} from '../sizing';
import { allow, allowInvoke } from './iam';

/**
 * Invokes one function, with a role that may invoke exactly that function. (The stock
 * LambdaInvoke target also grants `<function>:*`, every version and alias.)
 */
class InvokeFunctionTarget implements scheduler.IScheduleTarget {
  constructor(
    private readonly scope: Construct,
    private readonly fn: lambda.IFunction,
    private readonly retryPolicy: scheduler.CfnSchedule.RetryPolicyProperty,
  ) {}

  bind(): scheduler.ScheduleTargetConfig {
    const role = new iam.Role(this.scope, 'SchedulerRole', {
      description: 'EventBridge Scheduler: invokes the dispatch function',
      // Confused-deputy guard: only schedules of this account may use the role.
      assumedBy: new iam.ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this.scope).account } },
      }),
    });
    allowInvoke(role, this.fn);
    return { arn: this.fn.functionArn, role, retryPolicy: this.retryPolicy };
  }
}

const RETENTION_14_DAYS = Duration.days(14);

export const secureQueue = (scope: Construct, id: string, props: sqs.QueueProps): sqs.Queue =>
  new sqs.Queue(scope, id, {
    // SSE with SQS-owned keys: encrypted at rest, no KMS key to pay for or to grant.
    encryption: sqs.QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    ...props,
  });

/**
 * An async-invoke destination that may only SendMessage (the stock SqsDestination also
 * grants GetQueueAttributes and GetQueueUrl, which Lambda does not use).
 */
class SendToQueue implements lambda.IDestination {
  constructor(private readonly queue: sqs.IQueue) {}

  bind(_scope: Construct, fn: lambda.IFunction): lambda.DestinationConfig {
    allow(fn, ['sqs:SendMessage'], [this.queue.queueArn]);
    return { destination: this.queue.queueArn };
  }
}

export interface PipelineTargets {
  dispatch: lambda.IFunction;
  syncWorker: lambda.IFunction;
  connectWorker: lambda.IFunction;
}

export class SyncPipeline extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  /** Connect-worker invocations that failed: kept for inspection, never retried (a retry is a second login). */
  readonly connectFailures: sqs.Queue;
  schedule?: scheduler.Schedule;

  constructor(scope: Construct, id: string) {
    super(scope, id);
    this.deadLetterQueue = secureQueue(this, 'SyncDeadLetters', { retentionPeriod: RETENTION_14_DAYS });
    this.queue = secureQueue(this, 'SyncJobs', {
      visibilityTimeout: Duration.seconds(SYNC_QUEUE_VISIBILITY_SECONDS),
      // A job older than a few sync intervals is stale: the next dispatch has queued a fresh one.
      retentionPeriod: Duration.days(1),
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: SYNC_MAX_RECEIVE_COUNT },
    });
    this.connectFailures = secureQueue(this, 'ConnectFailures', { retentionPeriod: RETENTION_14_DAYS });
    Validations.of(this.connectFailures.node.defaultChild as sqs.CfnQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason:
        'This queue is itself the failure destination of the connect worker (a dead-letter store). Nothing consumes it automatically; operators inspect it when its alarm fires.',
    });
  }

  attach({ dispatch, syncWorker, connectWorker }: PipelineTargets): void {
    // Dispatch runs more often than the sync interval so a due connection waits at most this long.
    this.schedule = new scheduler.Schedule(this, 'DispatchSchedule', {
      description: 'Queues the Garmin syncs that are due',
      schedule: scheduler.ScheduleExpression.rate(Duration.minutes(DISPATCH_RATE_MINUTES)),
      // No retries: the next run comes within minutes, and a claim already made is never lost.
      target: new InvokeFunctionTarget(this, dispatch, {
        maximumRetryAttempts: 0,
        maximumEventAgeInSeconds: DISPATCH_RATE_MINUTES * 60,
      }),
    });

    syncWorker.addEventSource(
      new sources.SqsEventSource(this.queue, {
        // A batch per invocation, its syncs run in parallel (Powertools' BatchProcessor) and
        // their fetches sent to the bridge as one invocation; each record fails on its own.
        batchSize: SYNC_BATCH_SIZE,
        maxBatchingWindow: Duration.seconds(SYNC_BATCHING_WINDOW_SECONDS),
        reportBatchItemFailures: true,
        maxConcurrency: SYNC_MAX_CONCURRENCY,
      }),
    );

    connectWorker.configureAsyncInvoke({
      // A retried invocation would repeat the Garmin login (and count against the user's limit).
      retryAttempts: 0,
      // The attempt (and the user's interest) is gone after its TTL; the worker would skip it anyway.
      maxEventAge: Duration.seconds(LIMITS.attemptTtlSeconds),
      onFailure: new SendToQueue(this.connectFailures),
    });
  }
}
