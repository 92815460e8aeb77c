/** The control API under /__sim, for tests and the benchmark. Never counted or faulted. */
import { z } from 'zod';
import { type Account, findAccount } from './accounts';
import { decodeSegment, json, jsonBody, type SimRequest, type SimResponse } from './http';
import { FaultSpec } from './faults';
import type { SimulatorState } from './state';

const TokenSettings = z.object({ accessTtlSeconds: z.number().int().min(1).max(365 * 86_400) }).strict();
const NewActivity = z.object({ typeKey: z.string().optional(), startTimeLocal: z.string().optional() }).strict();
const ClockChange = z.union([
  z.object({ now: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'now must be an ISO date-time') }).strict(),
  z.object({ advanceSeconds: z.number().finite() }).strict(),
]);

const ACCOUNT_PATH = /^\/__sim\/accounts\/([^/]+)\/(tokens|revoke|activities)$/;

const ok = { ok: true };
const notFound = json(404, { error: 'Not found' });

type Parsed<T> = { ok: true; value: T } | { ok: false; response: SimResponse };

function parse<T>(schema: z.ZodType<T>, req: SimRequest): Parsed<T> {
  const body = jsonBody(req);
  if (body === undefined) return { ok: false, response: json(400, { error: 'Body is not JSON' }) };
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  const issues = result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);
  return { ok: false, response: json(400, { error: 'Invalid request', issues }) };
}

export class ControlApi {
  constructor(private readonly state: SimulatorState) {}

  handle(req: SimRequest): SimResponse {
    const { state } = this;
    const key = `${req.method} ${req.path}`;
    switch (key) {
      case 'GET /__sim/health':
        return json(200, { status: 'ok' });
      case 'GET /__sim/counters':
        return json(200, state.counters.snapshot());
      case 'POST /__sim/counters/reset':
        // The request log restarts with the counters, so both describe the same requests.
        state.counters.reset();
        state.log.clear();
        return json(200, ok);
      case 'GET /__sim/requests':
        return json(200, state.log.list());
      case 'POST /__sim/reset':
        state.reset();
        return json(200, ok);
      case 'GET /__sim/faults':
        return json(200, state.faults.list());
      case 'POST /__sim/faults':
        return this.addFault(req);
      case 'DELETE /__sim/faults':
        state.faults.clear();
        return json(200, ok);
      case 'GET /__sim/clock':
        return json(200, { now: new Date(state.clock.now()).toISOString() });
      case 'POST /__sim/clock':
        return this.moveClock(req);
    }
    const accountMatch = ACCOUNT_PATH.exec(req.path);
    if (!accountMatch) return notFound;
    if (req.method !== 'POST') return json(405, { error: 'Method not allowed' });
    const account = findAccount(decodeSegment(accountMatch[1] ?? '') ?? '');
    if (!account) return json(404, { error: 'Unknown account' });
    switch (accountMatch[2]) {
      case 'tokens':
        return this.tokenSettings(account, req);
      case 'revoke':
        state.tokens.revoke(account);
        return json(200, ok);
      default:
        return this.addActivity(account, req);
    }
  }

  private addFault(req: SimRequest): SimResponse {
    const spec = parse(FaultSpec, req);
    if (!spec.ok) return spec.response;
    if (spec.value.account && !findAccount(spec.value.account)) return json(400, { error: `Unknown account: ${spec.value.account}` });
    return json(201, { id: this.state.faults.add(spec.value).id });
  }

  private moveClock(req: SimRequest): SimResponse {
    const change = parse(ClockChange, req);
    if (!change.ok) return change.response;
    if ('now' in change.value) this.state.clock.set(Date.parse(change.value.now));
    else this.state.clock.advance(change.value.advanceSeconds);
    return json(200, { now: new Date(this.state.clock.now()).toISOString() });
  }

  private tokenSettings(account: Account, req: SimRequest): SimResponse {
    const settings = parse(TokenSettings, req);
    if (!settings.ok) return settings.response;
    this.state.tokens.setAccessTtl(account, settings.value.accessTtlSeconds);
    return json(200, { ok: true, accessTtlSeconds: settings.value.accessTtlSeconds });
  }

  private addActivity(account: Account, req: SimRequest): SimResponse {
    const fields = parse(NewActivity, req);
    if (!fields.ok) return fields.response;
    const activity = this.state.added.add(account, fields.value, this.state.clock.now());
    return typeof activity === 'string' ? json(400, { error: activity }) : json(201, activity);
  }
}
