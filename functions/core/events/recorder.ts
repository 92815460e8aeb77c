/**
 * The one place the services hand events to the EventSink: each hook turns what a service
 * just did into complete events (id, time, user) and publishes them in order. Without a
 * sink (fakes) the hooks do nothing.
 */
import type { ConnectionRecord } from '../shared/ports';
import type { ServiceDeps } from '../shared/deps';
import { type DataChanges, type EventDraft, connectionEvents, dataChangedEvents } from './rules';
import { eventSchemas } from './schema';

export class EventRecorder {
  constructor(private readonly deps: Pick<ServiceDeps, 'clock' | 'newId' | 'events'>) {}

  /** A connection was stored (connect, reconnect, token import). */
  connected(userId: string): Promise<void> {
    return this.publish(userId, [{ type: 'connection.connected', data: {} }]);
  }

  /**
   * Everything of the user was erased: so is their feed (it names their activities and
   * days), which then holds this event alone. A cursor from before still continues after
   * it, so an app that polls learns that its copy must go too.
   */
  async disconnected(userId: string): Promise<void> {
    await this.deps.events?.erase(userId);
    await this.publish(userId, [{ type: 'connection.disconnected', data: { dataErased: true } }]);
  }

  /** A sync that reached Garmin: what changed about the connection (its data was announced by dataChanged). */
  synced(before: ConnectionRecord, after: ConnectionRecord): Promise<void> {
    return this.publish(after.userId, connectionEvents(before, after, this.deps.clock.now()));
  }

  /**
   * Data was stored: by a sync, announced before it saves its cursors (so a failure after it is
   * redelivered and announces again), or by a write (the sync that reads that day next finds
   * it unchanged, so it is announced here).
   */
  dataChanged(userId: string, changes: DataChanges): Promise<void> {
    return this.publish(userId, dataChangedEvents(changes));
  }

  private async publish(userId: string, drafts: EventDraft[]): Promise<void> {
    if (!this.deps.events || drafts.length === 0) return;
    const timestamp = this.deps.clock.now().toISOString();
    // Parsed, so a rule that built a malformed event fails here and not at the app.
    const { AppEvent } = eventSchemas();
    const events = drafts.map((d) =>
      AppEvent.parse({ id: `evt_${this.deps.newId().replaceAll('-', '')}`, version: 1, timestamp, userId, ...d }),
    );
    await this.deps.events.publish(userId, events);
  }
}
