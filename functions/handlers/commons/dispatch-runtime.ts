/**
 * Dispatch's deployed runtime: only the adapters dispatch uses, not the whole service graph
 * (runtime.ts): no vault, bridge or Lambda client in its bundle, which keeps its cold start short.
 */
import { createDocumentClient } from '../../adapters/dynamo/client';
import { DynamoConnectionStore } from '../../adapters/dynamo/connection-store';
import { DynamoRateLimiter } from '../../adapters/dynamo/rate-limiter';
import { SqsSyncQueue } from '../../adapters/queue/sqs-sync-queue';
import { ENV, readEnv } from '../../core/shared/env';
import type { DispatchServices } from '../dispatch';

let deployed: DispatchServices | undefined;

/** Built on the first run of a container and reused by the next ones. */
export const dispatchServicesFromEnvironment = (): DispatchServices => {
  if (!deployed) {
    const doc = createDocumentClient();
    deployed = {
      deps: {
        connections: new DynamoConnectionStore(doc, readEnv(ENV.connectionsTable)),
        rateLimiter: new DynamoRateLimiter(doc, readEnv(ENV.dataTable)),
        queue: new SqsSyncQueue(readEnv(ENV.syncQueueUrl)),
        clock: { now: () => new Date() },
      },
    };
  }
  return deployed;
};
