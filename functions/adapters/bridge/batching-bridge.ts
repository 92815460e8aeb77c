/**
 * One bridge invocation for the fetches of one SQS batch. The sync service still makes one
 * call per user; the sync worker runs each record `during` this bridge, which holds the
 * records' fetches until every record still running is waiting on the bridge (or `maxCalls`
 * are waiting, or `maxWaitMs` passed since the first), then sends them as one `batch`. The
 * bridge runs them side by side and answers each on its own, so one user's Garmin failure or
 * deadline is that user's answer alone; only a failure of the invocation itself (a timeout, a
 * crashed process, a function error) fails every call it carried, whose records then fail and
 * SQS redelivers them.
 *
 * Payloads: the calls of a batch share BRIDGE_LIMITS.maxResultBytes (each gets its
 * `maxResultBytes` share), which the bridge holds strictly: a page or day that would pass the
 * share is dropped and read in the next chunk, unless it is the call's first (progress). So a
 * call answers at most max(share, one page of 100 activities ≈ 550 KB) plus its weight range,
 * profile and tokens, and ten of them stay below Lambda's 6 MB, as one 4 MB fetch does.
 * Logins, verifies, exchanges and writes never wait here: they go out alone, at once.
 */
import { randomUUID } from 'node:crypto';
import { type BatchRequest, type BatchResponse, BRIDGE_LIMITS, type BridgeRequest, type BridgeResponse } from '../../core/shared/bridge-protocol';
import type { GarminBridge } from '../../core/shared/ports';
import { BridgeTransportError } from './errors';

/** A transport that can also carry several fetches in one invocation. */
export interface BatchCapableBridge extends GarminBridge {
  callBatch(request: BatchRequest): Promise<BatchResponse>;
}

export interface BatchingOptions {
  /** Fetches per invocation at most (the SQS batch size). */
  maxCalls: number;
  /**
   * A batch goes out at the latest this long after its first fetch arrived, even if a record
   * is still on its way (slow storage): the others do not wait on it for long.
   */
  maxWaitMs: number;
}

export const DEFAULT_BATCHING: BatchingOptions = { maxCalls: BRIDGE_LIMITS.maxBatchCalls, maxWaitMs: 500 };

type BatchedFetch = BatchRequest['calls'][number];

interface Waiting {
  call: BatchedFetch;
  resolve(response: BridgeResponse): void;
  reject(error: unknown): void;
}

/** Each call's share of the result bytes of one invocation. */
export const resultShare = (calls: number): number => Math.floor(BRIDGE_LIMITS.maxResultBytes / calls);

export class BatchingBridge<B extends BatchCapableBridge> implements GarminBridge {
  private waiting: Waiting[] = [];
  /** Records running `during` this bridge. */
  private running = 0;
  /** Fetches sent and not yet answered: their records can call nothing else meanwhile. */
  private sent = 0;
  private timer: NodeJS.Timeout | undefined;
  private readonly options: BatchingOptions;

  constructor(
    private readonly transport: B,
    options: Partial<BatchingOptions> = {},
  ) {
    this.options = { ...DEFAULT_BATCHING, ...options };
  }

  async during<T>(work: () => Promise<T>): Promise<T> {
    this.running++;
    try {
      return await work();
    } finally {
      this.running--;
      // A record that ended without a fetch may have been the last one the others waited for.
      this.flushIfAllWait();
    }
  }

  call(request: BridgeRequest): Promise<BridgeResponse> {
    if (request.op !== 'fetch') return this.transport.call(request);
    return new Promise<BridgeResponse>((resolve, reject) => {
      this.waiting.push({ call: { ...request, id: request.id ?? randomUUID() }, resolve, reject });
      this.timer ??= setTimeout(() => this.flush(), this.options.maxWaitMs);
      this.flushIfAllWait();
    });
  }

  private flushIfAllWait(): void {
    const waiting = this.waiting.length;
    // A fetch from outside any record (running 0) goes out at once.
    if (waiting > 0 && (waiting >= this.options.maxCalls || waiting >= this.running - this.sent)) this.flush();
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting.splice(0, this.options.maxCalls);
    const [first] = batch;
    if (!first) return;
    this.sent += batch.length;
    const send =
      batch.length === 1
        ? // Alone, it is an ordinary call with the whole result budget.
          this.transport.call(first.call).then((response): BatchResponse => ({ ok: true, responses: [response], durationMs: response.durationMs }))
        : this.transport.callBatch({ op: 'batch', calls: withShares(batch.map((member) => member.call)) });
    send.then(
      (answer) => {
        this.sent -= batch.length;
        for (const member of batch) settle(member, answer);
      },
      (error: unknown) => {
        this.sent -= batch.length;
        for (const member of batch) member.reject(error);
      },
    );
    // More than maxCalls were waiting: the rest form the next batch.
    this.flushIfAllWait();
  }

  close(this: BatchingBridge<B & { close(): Promise<void> }>): Promise<void> {
    this.flush();
    return this.transport.close();
  }
}

const withShares = (calls: BatchedFetch[]): BatchedFetch[] => {
  const share = resultShare(calls.length);
  return calls.map((call) => ({ ...call, maxResultBytes: Math.min(call.maxResultBytes ?? share, share) }));
};

const settle = (member: Waiting, answer: BatchResponse): void => {
  // The bridge refused the batch as a whole: every call gets that answer.
  if (!answer.ok) return member.resolve({ ...answer, id: member.call.id });
  const response = answer.responses.find((r) => r.id === member.call.id);
  if (response) member.resolve(response);
  else member.reject(new BridgeTransportError('invalid-response', 'bridge answered a batch without one of its fetches'));
};
