/**
 * The control API under /__sim, for tests, the demo and the benchmark: never counted as
 * Garmin traffic and never faulted. JSON in and out; a bad request is a 4xx with a JSON
 * error. The endpoints are listed in the README ("The Garmin simulator").
 */
import { z } from 'zod';
import type { Account } from './accounts';
import { AccountControl, badRequest, parse } from './control-accounts';
import { FaultSpec } from './faults';
import { decodeSegment, json, type SimRequest, type SimResponse } from './http';
import { SsoBlockSpec } from './sso-block';
import type { SimulatorState } from './state';
import { WellnessControl, type WellnessKind } from './control-wellness';

const ClockChange = z.union([
  z.object({ now: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'now must be an ISO date-time') }).strict(),
  z.object({ advanceSeconds: z.number().finite() }).strict(),
]);

const ok = { ok: true };

/** Loopback only: the redirect stands in for an app on this machine, never another host. */
const TicketRedirect = z
  .object({
    to: z.url({ protocol: /^https?$/, hostname: /^(127\.\d+\.\d+\.\d+|localhost|\[::1\])$/ }),
  })
  .strict();

type Handler = (req: SimRequest, params: string[]) => SimResponse;
type AccountHandler = (account: Account, req: SimRequest, params: string[]) => SimResponse;

interface Route {
  pattern: RegExp;
  methods: Partial<Record<string, Handler>>;
}

export class ControlApi {
  private readonly routes: readonly Route[];

  constructor(private readonly state: SimulatorState) {
    const accounts = new AccountControl(state);
    const wellness = new WellnessControl(state);
    const on = (handler: AccountHandler): Handler => (req, params) => this.withAccount(params, (account) => handler(account, req, params));
    this.routes = [
      { pattern: /^\/__sim\/health$/, methods: { GET: () => json(200, { status: 'ok' }) } },
      { pattern: /^\/__sim\/counters$/, methods: { GET: () => json(200, state.counters.snapshot()) } },
      { pattern: /^\/__sim\/counters\/reset$/, methods: { POST: () => this.resetCounters() } },
      { pattern: /^\/__sim\/requests$/, methods: { GET: () => json(200, state.log.list()) } },
      { pattern: /^\/__sim\/reset$/, methods: { POST: () => (state.reset(), json(200, ok)) } },
      {
        pattern: /^\/__sim\/faults$/,
        methods: { GET: () => json(200, state.faults.list()), POST: (req) => this.addFault(req), DELETE: () => (state.faults.clear(), json(200, ok)) },
      },
      {
        pattern: /^\/__sim\/clock$/,
        methods: { GET: () => json(200, { now: new Date(state.clock.now()).toISOString() }), POST: (req) => this.moveClock(req) },
      },
      {
        pattern: /^\/__sim\/sso-block$/,
        methods: {
          GET: () => json(200, state.ssoBlock.describe(state.clock.now())),
          POST: (req) => this.blockSso(req),
          DELETE: () => (state.ssoBlock.clear(), { status: 204 }),
        },
      },
      {
        pattern: /^\/__sim\/ticket-redirect$/,
        methods: {
          GET: () => json(200, state.sso.describeTicketRedirect()),
          POST: (req) => this.redirectTickets(req),
          DELETE: () => (state.sso.setTicketRedirect(undefined), { status: 204 }),
        },
      },
      { pattern: /^\/__sim\/accounts$/, methods: { POST: (req) => accounts.create(req) } },
      { pattern: /^\/__sim\/accounts\/([^/]+)$/, methods: { GET: on((account) => accounts.settings(account)) } },
      { pattern: /^\/__sim\/accounts\/([^/]+)\/activities$/, methods: { POST: on((account, req) => accounts.addActivity(account, req)) } },
      {
        pattern: /^\/__sim\/accounts\/([^/]+)\/activities\/([^/]+)$/,
        methods: {
          PUT: on((account, req, [, id = '']) => accounts.putActivity(account, id, req)),
          DELETE: on((account, _req, [, id = '']) => accounts.deleteActivity(account, id)),
        },
      },
      {
        pattern: /^\/__sim\/accounts\/([^/]+)\/days\/([^/]+)$/,
        methods: {
          PUT: on((account, req, [, date = '']) => accounts.putDay(account, date, req)),
          DELETE: on((account, _req, [, date = '']) => accounts.deleteDay(account, date)),
        },
      },
      {
        pattern: /^\/__sim\/accounts\/([^/]+)\/(weight|hydration|sleep)\/([^/]+)$/,
        methods: {
          GET: on((account, _req, [, kind, date = '']) => wellness.get(account, kind as WellnessKind, date)),
          PUT: on((account, req, [, kind, date = '']) => wellness.put(account, kind as WellnessKind, date, req)),
          DELETE: on((account, _req, [, kind, date = '']) => wellness.delete(account, kind as WellnessKind, date)),
        },
      },
      { pattern: /^\/__sim\/accounts\/([^/]+)\/tokens$/, methods: { POST: on((account, req) => accounts.tokens(account, req)) } },
      { pattern: /^\/__sim\/accounts\/([^/]+)\/revoke$/, methods: { POST: on((account) => accounts.revoke(account)) } },
      { pattern: /^\/__sim\/accounts\/([^/]+)\/di-exchange$/, methods: { POST: on((account, req) => accounts.diExchange(account, req)) } },
      { pattern: /^\/__sim\/accounts\/([^/]+)\/device-sync$/, methods: { POST: on((account, req) => accounts.deviceSync(account, req)) } },
    ];
  }

  handle(req: SimRequest): SimResponse {
    for (const route of this.routes) {
      const match = route.pattern.exec(req.path);
      if (!match) continue;
      const handler = route.methods[req.method];
      if (!handler) return json(405, { error: 'Method not allowed', allowed: Object.keys(route.methods) });
      return handler(req, match.slice(1).map((p) => decodeSegment(p) ?? ''));
    }
    return json(404, { error: 'Not found' });
  }

  private withAccount(params: string[], run: (account: Account) => SimResponse): SimResponse {
    const account = this.state.accounts.find(params[0] ?? '');
    return account ? run(account) : json(404, { error: 'Unknown account' });
  }

  private resetCounters(): SimResponse {
    // The request log restarts with the counters, so both describe the same requests.
    this.state.counters.reset();
    this.state.log.clear();
    return json(200, ok);
  }

  private addFault(req: SimRequest): SimResponse {
    const spec = parse(FaultSpec, req);
    if (!spec.ok) return spec.response;
    if (spec.value.account && !this.state.accounts.find(spec.value.account)) return badRequest(`Unknown account: ${spec.value.account}`);
    return json(201, { id: this.state.faults.add(spec.value).id });
  }

  private moveClock(req: SimRequest): SimResponse {
    const change = parse(ClockChange, req);
    if (!change.ok) return change.response;
    if ('now' in change.value) this.state.clock.set(Date.parse(change.value.now));
    else this.state.clock.advance(change.value.advanceSeconds);
    return json(200, { now: new Date(this.state.clock.now()).toISOString() });
  }

  private redirectTickets(req: SimRequest): SimResponse {
    const spec = parse(TicketRedirect, req);
    if (!spec.ok) return spec.response;
    this.state.sso.setTicketRedirect(spec.value.to);
    return json(201, this.state.sso.describeTicketRedirect());
  }

  private blockSso(req: SimRequest): SimResponse {
    const spec = parse(SsoBlockSpec, req);
    if (!spec.ok) return spec.response;
    this.state.ssoBlock.set(spec.value);
    return json(201, this.state.ssoBlock.describe(this.state.clock.now()));
  }
}
