/** The user's connection: status, and disconnect (which erases everything of theirs). */
import type { ConnectionView } from '../shared/api-schemas';
import { AppError } from '../shared/errors';
import { EventRecorder } from '../events/recorder';
import { DATA_TYPES, type DataType, VersionConflictError } from '../shared/ports';
import { REQUIRED_DATA_TYPES } from '../shared/data-types';
import { toConnectionView } from './connection-view';
import type { ServiceDeps } from '../shared/deps';

/** Rounds of re-reading on concurrent writes of the connection (a sync, a dispatch claim). */
const MAX_UPDATE_ATTEMPTS = 5;

export class ConnectionService {
  constructor(private readonly deps: Pick<ServiceDeps, 'connections' | 'data' | 'attempts' | 'clock' | 'newId' | 'events'>) {}

  async status(userId: string): Promise<ConnectionView> {
    const connection = await this.deps.connections.get(userId);
    if (!connection) throw new AppError('NOT_CONNECTED', 'No Garmin account is connected');
    return toConnectionView(connection);
  }

  /** Chooses what the next syncs read; days already stored stay. */
  async selectDataTypes(userId: string, dataTypes: DataType[]): Promise<ConnectionView> {
    // In the canonical order, once each: the stored choice reads the same however it was sent.
    const chosen = DATA_TYPES.filter((type) => dataTypes.includes(type) || REQUIRED_DATA_TYPES.includes(type));
    for (let attempt = 1; ; attempt++) {
      const connection = await this.deps.connections.get(userId);
      if (!connection) throw new AppError('NOT_CONNECTED', 'No Garmin account is connected');
      try {
        return toConnectionView(await this.deps.connections.update(userId, connection.version, { dataTypes: chosen }));
      } catch (error) {
        // A sync saving its cursors meanwhile: apply the choice to the record it wrote.
        if (!(error instanceof VersionConflictError) || attempt === MAX_UPDATE_ATTEMPTS) throw error;
      }
    }
  }

  /**
   * Erases credentials, tokens, synced data and attempts of this user. The Garmin call
   * limits are not the user's data and stay (services/call-limits.ts): erasing them would
   * let anyone reset them. NOT_CONNECTED when there was neither a connection nor a running
   * attempt to end.
   */
  async disconnect(userId: string): Promise<void> {
    // Attempts first: a connect worker establishes a connection only while its attempt exists.
    const attempts = await this.deps.attempts.deleteAllForUser(userId, this.deps.clock.now());
    const existed = await this.deps.connections.delete(userId);
    await this.deps.data.deleteAllForUser(userId);
    if (!existed && attempts.running === 0) {
      throw new AppError('NOT_CONNECTED', 'No Garmin account is connected');
    }
    await new EventRecorder(this.deps).disconnected(userId);
  }
}
