/**
 * Injected failures: a status (403/429/5xx) and/or latency for the requests a fault matches,
 * optionally only after letting `skip` of them through and only for `count` of them.
 */
import { z } from 'zod';
import { ENDPOINT_NAMES, type EndpointName } from './endpoints';
import { json, type SimResponse } from './http';
import { isSsoPath } from './sso';

export const FaultSpec = z
  .object({
    account: z.string().min(1).optional(),
    /** An endpoint name, "sso" (every /sso path, known or not) or "*" (every Garmin request). */
    endpoint: z.enum([...ENDPOINT_NAMES, 'sso', '*']),
    /** 403 too: what Garmin answers a network it refuses (e.g. the ticket exchange from the cloud). */
    status: z.union([z.literal(403), z.literal(429), z.literal(500), z.literal(502), z.literal(503)]).optional(),
    retryAfter: z.number().int().min(0).optional(),
    latencyMs: z.number().int().min(0).max(120_000).optional(),
    count: z.number().int().min(1).optional(),
    skip: z.number().int().min(0).optional(),
  })
  .strict()
  .refine((f) => f.status !== undefined || f.latencyMs !== undefined, { message: 'a fault needs a status, a latencyMs or both' });

export type FaultSpec = z.infer<typeof FaultSpec>;

export interface Fault extends FaultSpec {
  id: string;
  /** Matching requests seen so far, skipped ones included. */
  seen: number;
  /** Matching requests the fault was applied to. */
  hits: number;
}

export class FaultTable {
  private faults: Fault[] = [];
  private created = 0;

  add(spec: FaultSpec): Fault {
    this.created += 1;
    const fault: Fault = { ...spec, ...(spec.account ? { account: spec.account.toLowerCase() } : {}), id: `fault-${this.created}`, seen: 0, hits: 0 };
    this.faults.push(fault);
    return fault;
  }

  list(): readonly Fault[] {
    return this.faults;
  }

  clear(): void {
    this.faults = [];
  }

  /**
   * The fault to apply to this request, if any. Faults are tried in the order they were
   * added; the first one that fires wins and later ones do not see the request.
   */
  pick(endpoint: EndpointName, path: string, account: string | undefined): Fault | undefined {
    for (const fault of this.faults) {
      const endpointMatches = fault.endpoint === '*' || fault.endpoint === endpoint || (fault.endpoint === 'sso' && isSsoPath(path));
      if (!endpointMatches || (fault.account && fault.account !== account)) continue;
      if (fault.count !== undefined && fault.hits >= fault.count) continue;
      fault.seen += 1;
      if (fault.seen <= (fault.skip ?? 0)) continue;
      fault.hits += 1;
      return fault;
    }
    return undefined;
  }
}

export function faultResponse(status: number, retryAfter: number | undefined): SimResponse {
  const headers = retryAfter === undefined ? undefined : { 'retry-after': String(retryAfter) };
  // "error.status-code" is where Garmin's SSO puts a status inside a JSON body.
  return json(status, { message: `Simulated fault (HTTP ${status})`, error: { 'status-code': String(status) } }, headers);
}
