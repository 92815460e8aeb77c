import { FeedService } from './events/feed-service';
import { ConnectService } from './connect/connect-service';
import { ConnectionService } from './connect/connection-service';
import type { ServiceDeps } from './shared/deps';
import { ReadService } from './read/read-service';
import { RequestThrottle } from './shared/request-throttle';
import { SyncService } from './sync/sync-service';
import { WriteService } from './write/write-service';

export interface Services {
  deps: ServiceDeps;
  connect: ConnectService;
  connection: ConnectionService;
  sync: SyncService;
  write: WriteService;
  read: ReadService;
  feed: FeedService;
  /** The per-user API throttle, applied by the HTTP handlers to every authenticated route. */
  throttle: RequestThrottle;
}

/** What a sync worker uses: the sync alone, so its bundle holds no API service (nor their schemas). */
export type SyncServices = Pick<Services, 'deps' | 'sync'>;

export const createSyncServices = (deps: ServiceDeps): SyncServices => ({ deps, sync: new SyncService(deps) });

export const createServices = (deps: ServiceDeps): Services => ({
  deps,
  connect: new ConnectService(deps),
  connection: new ConnectionService(deps),
  sync: new SyncService(deps),
  write: new WriteService(deps),
  read: new ReadService(deps),
  feed: new FeedService(deps),
  throttle: new RequestThrottle(deps),
});
