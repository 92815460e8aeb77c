/** Dispatch's services come from the same composition root as the service graph: the same stores on the same tables. */
import type { DocumentClient } from '../../../functions/adapters/dynamo/client';
import { describe, expect, it } from 'vitest';
import type { SyncQueue } from '../../../functions/core/shared/ports';
import { composeDispatch, composeServices } from '../../../functions/handlers/commons/compose';

const TABLES = { connections: 'conn-table', data: 'data-table', attempts: 'attempts-table', events: 'events-table' };

/** A document client that records the table of every command and answers nothing found. */
const recordingDoc = () => {
  const tables: string[] = [];
  const doc = {
    send: async (command: { input: { TableName?: string } }) => {
      tables.push(command.input.TableName ?? '');
      return { Items: [] };
    },
  } as unknown as DocumentClient;
  return { doc, tables };
};

const unused = (): never => {
  throw new Error('not used by dispatch');
};

describe('composeDispatch', () => {
  it('reads the schedule from the connections table and queues on the given queue, like the service graph', async () => {
    const queue: SyncQueue = { enqueue: async () => undefined };
    const clock = { now: () => new Date('2026-11-23T20:00:00Z') };
    const dispatch = recordingDoc();
    const { deps } = composeDispatch({ doc: dispatch.doc, tables: TABLES, queue: () => queue, clock });
    const full = recordingDoc();
    const services = composeServices({ doc: full.doc, tables: TABLES, queue: () => queue, clock, vault: unused, bridge: unused, connectWorker: unused });

    await deps.schedules.findDue(3, clock.now(), 10);
    await services.deps.schedules.findDue(3, clock.now(), 10);
    expect(dispatch.tables).toEqual(['conn-table']);
    expect(full.tables).toEqual(dispatch.tables);
    expect(deps.queue).toBe(queue);
    expect(deps.clock).toBe(clock);
  });

  it('gives dispatch the same service-wide Garmin guard as the service graph, on the data table', async () => {
    const queue: SyncQueue = { enqueue: async () => undefined };
    const dispatch = recordingDoc();
    const { deps } = composeDispatch({ doc: dispatch.doc, tables: TABLES, queue: () => queue });
    const full = recordingDoc();
    const services = composeServices({ doc: full.doc, tables: TABLES, queue: () => queue, vault: unused, bridge: unused, connectWorker: unused });

    expect(await deps.garminGuard.readBreaker()).toBeUndefined();
    expect(await services.deps.garminGuard.readBreaker()).toBeUndefined();
    expect(dispatch.tables).toEqual(['data-table']);
    expect(full.tables).toEqual(dispatch.tables);
  });
});
