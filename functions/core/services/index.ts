import { FeedService } from '../events/feed-service';
import { ConnectService } from './connect-service';
import { ConnectionService } from './connection-service';
import type { ServiceDeps } from './deps';
import { ReadService } from './read-service';
import { RequestThrottle } from './request-throttle';
import { SyncService } from './sync-service';
import { WriteService } from './write-service';

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
