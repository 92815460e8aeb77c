/**
 * The weight, hydration and sleep endpoints' state: what tests set through the control API
 * (raw Garmin objects per date) and what the library wrote (weigh-ins, hydration logs).
 * Everything else is generated (wellness-shapes.ts).
 */
import type { Account } from './accounts';
import { json, jsonBody, type SimRequest, type SimResponse } from './http';
import { addDays, isIsoDate, localDate, parseLocalDateTime } from './zoned-time';
import { type Raw, dayView, generatedWeighIns, hydrationDay, sleepDay, weighIn, weightRange } from './wellness-shapes';

type PerDate<T> = Map<string, Map<string, T>>;

const MAX_RANGE_DAYS = 366;

function slot<T>(map: PerDate<T>, account: Account): Map<string, T> {
  const days = map.get(account.email) ?? new Map<string, T>();
  map.set(account.email, days);
  return days;
}

const badRequest = (message: string) => json(400, { message });

const isRecord = (value: unknown): value is Raw => typeof value === 'object' && value !== null && !Array.isArray(value);

export class WellnessState {
  /** A date's weigh-ins, replacing the generated ones (set by a test or by a written weigh-in). */
  private readonly weight: PerDate<Raw[]> = new Map();
  private readonly hydration: PerDate<Raw> = new Map();
  private readonly hydrationLogs: PerDate<{ ml: number; lastLocal: string }> = new Map();
  private readonly sleep: PerDate<Raw> = new Map();

  reset(): void {
    for (const map of [this.weight, this.hydration, this.hydrationLogs, this.sleep]) map.clear();
  }

  weighIns(account: Account, date: string, nowMs: number): Raw[] {
    return this.weight.get(account.email)?.get(date) ?? generatedWeighIns(account, date, nowMs);
  }

  setWeighIns(account: Account, date: string, items: Raw[] | undefined): void {
    if (items === undefined) slot(this.weight, account).delete(date);
    else slot(this.weight, account).set(date, items);
  }

  hydrationOf(account: Account, date: string, nowMs: number): Raw {
    const set = this.hydration.get(account.email)?.get(date);
    if (set) return set;
    const log = this.hydrationLogs.get(account.email)?.get(date);
    return hydrationDay(account, date, nowMs, log?.ml ?? 0, log?.lastLocal);
  }

  setHydration(account: Account, date: string, raw: Raw | undefined): void {
    if (raw === undefined) slot(this.hydration, account).delete(date);
    else slot(this.hydration, account).set(date, raw);
  }

  sleepOf(account: Account, date: string, nowMs: number): Raw {
    return this.sleep.get(account.email)?.get(date) ?? sleepDay(account, date, nowMs);
  }

  setSleep(account: Account, date: string, raw: Raw | undefined): void {
    if (raw === undefined) slot(this.sleep, account).delete(date);
    else slot(this.sleep, account).set(date, raw);
  }

  // --- The Connect API endpoints -------------------------------------------------------

  dayView(account: Account, date: string, nowMs: number): SimResponse {
    if (!isIsoDate(date)) return badRequest('Invalid date');
    return json(200, dayView(date, this.weighIns(account, date, nowMs)));
  }

  range(account: Account, start: string, end: string, nowMs: number): SimResponse {
    if (!isIsoDate(start) || !isIsoDate(end) || start > end) return badRequest('Invalid date range');
    const days: Array<[string, Raw[]]> = [];
    for (let date = start, n = 0; date <= end && n < MAX_RANGE_DAYS; date = addDays(date, 1), n++) days.push([date, this.weighIns(account, date, nowMs)]);
    return json(200, weightRange(start, end, days));
  }

  /** POST /weight-service/user-weight, as add_weigh_in sends it (local and GMT timestamps, value in unitKey). Garmin answers 204. */
  addWeighIn(account: Account, req: SimRequest, nowMs: number): SimResponse {
    const body = jsonBody(req);
    if (!isRecord(body)) return badRequest('Body is not JSON');
    const value = body.value;
    const gmt = typeof body.gmtTimestamp === 'string' ? Date.parse(`${body.gmtTimestamp}Z`) : Number.NaN;
    const unit = body.unitKey === 'lbs' ? 453.59237 : body.unitKey === 'kg' ? 1000 : undefined;
    if (typeof value !== 'number' || !(value > 0) || Number.isNaN(gmt) || unit === undefined) return badRequest('value, unitKey and gmtTimestamp are required');
    const date = typeof body.date === 'string' && isIsoDate(body.date) ? body.date : localDate(gmt, account.timeZone);
    const items = [...this.weighIns(account, date, nowMs), weighIn(account, date, gmt, Math.round(value * unit), undefined, 'MANUAL')];
    this.setWeighIns(account, date, items);
    return { status: 204 };
  }

  hydrationDaily(account: Account, date: string, nowMs: number): SimResponse {
    if (!isIsoDate(date)) return badRequest('Invalid date');
    return json(200, this.hydrationOf(account, date, nowMs));
  }

  /** PUT /usersummary-service/usersummary/hydration/log: adds to the day, answers the day's summary. */
  logHydration(account: Account, req: SimRequest, nowMs: number): SimResponse {
    const body = jsonBody(req);
    if (!isRecord(body)) return badRequest('Body is not JSON');
    const ml = Number(body.valueInML);
    const local = typeof body.timestampLocal === 'string' ? parseLocalDateTime(body.timestampLocal) : undefined;
    const date = typeof body.calendarDate === 'string' && isIsoDate(body.calendarDate) ? body.calendarDate : local?.date;
    if (!Number.isFinite(ml) || date === undefined) return badRequest('valueInML and calendarDate or timestampLocal are required');
    const logs = slot(this.hydrationLogs, account);
    const before = logs.get(date)?.ml ?? 0;
    logs.set(date, { ml: before + ml, lastLocal: `${String(body.timestampLocal ?? `${date}T00:00:00.000`).slice(0, 21)}` });
    const set = this.hydration.get(account.email)?.get(date);
    if (set) this.setHydration(account, date, { ...set, valueInML: Number(set.valueInML ?? 0) + ml });
    return json(200, this.hydrationOf(account, date, nowMs));
  }

  sleepDaily(account: Account, date: string | null, nowMs: number): SimResponse {
    if (date === null || !isIsoDate(date)) return badRequest('date must be a date (YYYY-MM-DD)');
    return json(200, this.sleepOf(account, date, nowMs));
  }

}
