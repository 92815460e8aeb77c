/**
 * Control API setters for weight, hydration and sleep: raw Garmin objects per date, served
 * verbatim (DELETE returns the date to its generated content).
 * - PUT /__sim/accounts/{email}/weight/{date} `{weighIns: [<dateWeightList item>]}`; GET shows the day's weigh-ins
 * - PUT /__sim/accounts/{email}/hydration/{date} `{hydration: <hydration/daily answer>}`
 * - PUT /__sim/accounts/{email}/sleep/{date} `{sleep: <dailySleepData answer>}`
 */
import { z } from 'zod';
import type { Account } from './accounts';
import { badRequest, parse } from './control-accounts';
import { json, type SimRequest, type SimResponse } from './http';
import type { SimulatorState } from './state';
import { isIsoDate } from './zoned-time';

const RawObject = z.record(z.string(), z.unknown());
const WeightBody = z.object({ weighIns: z.array(RawObject) }).strict();
const HydrationBody = z.object({ hydration: RawObject }).strict();
const SleepBody = z.object({ sleep: RawObject }).strict();

export type WellnessKind = 'weight' | 'hydration' | 'sleep';

export class WellnessControl {
  constructor(private readonly state: SimulatorState) {}

  get(account: Account, kind: WellnessKind, date: string): SimResponse {
    if (!isIsoDate(date)) return badRequest('the path needs a date (YYYY-MM-DD)');
    const w = this.state.wellness;
    const now = this.state.clock.now();
    const value = kind === 'weight' ? { weighIns: w.weighIns(account, date, now) } : kind === 'hydration' ? { hydration: w.hydrationOf(account, date, now) } : { sleep: w.sleepOf(account, date, now) };
    return json(200, { date, ...value });
  }

  put(account: Account, kind: WellnessKind, date: string, req: SimRequest): SimResponse {
    if (!isIsoDate(date)) return badRequest('the path needs a date (YYYY-MM-DD)');
    const w = this.state.wellness;
    if (kind === 'weight') {
      const body = parse(WeightBody, req);
      if (!body.ok) return body.response;
      w.setWeighIns(account, date, body.value.weighIns);
    } else if (kind === 'hydration') {
      const body = parse(HydrationBody, req);
      if (!body.ok) return body.response;
      w.setHydration(account, date, body.value.hydration);
    } else {
      const body = parse(SleepBody, req);
      if (!body.ok) return body.response;
      w.setSleep(account, date, body.value.sleep);
    }
    return json(200, { date, kind });
  }

  delete(account: Account, kind: WellnessKind, date: string): SimResponse {
    if (!isIsoDate(date)) return badRequest('the path needs a date (YYYY-MM-DD)');
    const w = this.state.wellness;
    if (kind === 'weight') w.setWeighIns(account, date, undefined);
    else if (kind === 'hydration') w.setHydration(account, date, undefined);
    else w.setSleep(account, date, undefined);
    return { status: 204 };
  }
}
