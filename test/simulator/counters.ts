/** Request counters and the recent-request log, both read by tests through /__sim. */
import { ENDPOINT_NAMES, type EndpointName } from './endpoints';

type EndpointCounts = Record<EndpointName, number>;

const zeroCounts = (): EndpointCounts => Object.fromEntries(ENDPOINT_NAMES.map((n) => [n, 0])) as EndpointCounts;

export class Counters {
  private total = 0;
  private byEndpoint = zeroCounts();
  private byAccount = new Map<string, Partial<EndpointCounts>>();

  record(endpoint: EndpointName, account: string | undefined): void {
    this.total += 1;
    this.byEndpoint[endpoint] += 1;
    if (account) {
      const counts = this.byAccount.get(account) ?? {};
      counts[endpoint] = (counts[endpoint] ?? 0) + 1;
      this.byAccount.set(account, counts);
    }
  }

  snapshot(): { total: number; byEndpoint: EndpointCounts; byAccount: Record<string, Partial<EndpointCounts>> } {
    return { total: this.total, byEndpoint: { ...this.byEndpoint }, byAccount: Object.fromEntries(this.byAccount) };
  }

  reset(): void {
    this.total = 0;
    this.byEndpoint = zeroCounts();
    this.byAccount.clear();
  }
}

/** Query parameters worth logging; the others (tickets, tokens) never are. */
const LOGGED_PARAMS = ['start', 'limit', 'startDate', 'endDate', 'calendarDate', 'sortOrder', 'activityType'];
const MAX_ENTRIES = 2000;

export interface RequestLogEntry {
  /** Simulated time of arrival. */
  at: string;
  method: string;
  endpoint: EndpointName;
  path: string;
  query: Record<string, string>;
  status: number;
  account: string | null;
  faultId: string | null;
  durationMs: number;
}

export const loggedQuery = (query: URLSearchParams): Record<string, string> =>
  Object.fromEntries(LOGGED_PARAMS.flatMap((name) => {
    const value = query.get(name);
    return value === null ? [] : [[name, value]];
  }));

export class RequestLog {
  private entries: RequestLogEntry[] = [];

  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > MAX_ENTRIES) this.entries.splice(0, this.entries.length - MAX_ENTRIES);
  }

  list(): readonly RequestLogEntry[] {
    return this.entries;
  }

  clear(): void {
    this.entries = [];
  }
}
