/** The Garmin simulator's control API (/__sim), for tests and the benchmark. */
export interface SimCounters {
  total: number;
  byEndpoint: Record<string, number>;
  byAccount: Record<string, Record<string, number>>;
}

export interface FaultSpec {
  account?: string;
  endpoint: string;
  status?: number;
  retryAfter?: number;
  latencyMs?: number;
  count?: number;
  skip?: number;
}

export class SimulatorClient {
  constructor(readonly url: string) {}

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.url}${path}`, {
      method,
      headers: { 'content-type': 'application/json' },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (!response.ok) throw new Error(`simulator ${method} ${path}: ${response.status}`);
    const text = await response.text();
    return (text ? JSON.parse(text) : undefined) as T;
  }

  reset = () => this.call<void>('POST', '/__sim/reset');
  resetCounters = () => this.call<void>('POST', '/__sim/counters/reset');
  counters = () => this.call<SimCounters>('GET', '/__sim/counters');
  fault = (spec: FaultSpec) => this.call<{ id: string }>('POST', '/__sim/faults', spec);
  clearFaults = () => this.call<void>('DELETE', '/__sim/faults');
  tokenTtl = (email: string, accessTtlSeconds: number) =>
    this.call<void>('POST', `/__sim/accounts/${email}/tokens`, { accessTtlSeconds });
  revoke = (email: string) => this.call<void>('POST', `/__sim/accounts/${email}/revoke`);
  addActivity = (email: string, fields: Record<string, unknown> = {}) =>
    this.call<Record<string, unknown>>('POST', `/__sim/accounts/${email}/activities`, fields);

  async count(endpoint: string): Promise<number> {
    return (await this.counters()).byEndpoint[endpoint] ?? 0;
  }
}
