/** The user's connection: status, and disconnect (which erases everything of theirs). */
import type { ConnectionView } from '../api-schemas';
import { AppError } from '../errors';
import { toConnectionView } from './connection-view';
import type { ServiceDeps } from './deps';

export class ConnectionService {
  constructor(private readonly deps: Pick<ServiceDeps, 'connections' | 'data' | 'attempts'>) {}

  async status(userId: string): Promise<ConnectionView> {
    const connection = await this.deps.connections.get(userId);
    if (!connection) throw new AppError('NOT_CONNECTED', 'No Garmin account is connected');
    return toConnectionView(connection);
  }

  /** Erases credentials, tokens, synced data, counters and attempts of this user. */
  async disconnect(userId: string): Promise<void> {
    const existed = await this.deps.connections.delete(userId);
    const [dataItems, attempts] = await Promise.all([
      this.deps.data.deleteAllForUser(userId),
      this.deps.attempts.deleteAllForUser(userId),
    ]);
    if (!existed && dataItems === 0 && attempts === 0) {
      throw new AppError('NOT_CONNECTED', 'No Garmin account is connected');
    }
  }
}
