/**
 * The account part of the control API: create accounts, and per account its activities
 * (raw Garmin objects or generated ones), days, token lifetimes, revocation, a failing DI
 * exchange and the device's last sync. Bodies are JSON; a bad one is a 400 with the issues.
 */
import { z } from 'zod';
import type { Account } from './accounts';
import { json, jsonBody, type SimRequest, type SimResponse } from './http';
import type { SimulatorState } from './state';
import { isIsoDate } from './zoned-time';

type Parsed<T> = { ok: true; value: T } | { ok: false; response: SimResponse };

export const badRequest = (error: string, issues?: string[]): SimResponse => json(400, { error, ...(issues ? { issues } : {}) });

export function parse<T>(schema: z.ZodType<T>, req: SimRequest): Parsed<T> {
  const body = jsonBody(req);
  if (body === undefined) return { ok: false, response: badRequest('Body is not JSON') };
  const result = schema.safeParse(body);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, response: badRequest('Invalid request', result.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`)) };
}

const isoInstant = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'must be an ISO date-time');

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const NewAccountBody = z
  .object({
    email: z.string().email(),
    password: z.string().min(1),
    mfaCode: z.string().min(1).optional(),
    displayName: z.string().min(1).max(100).optional(),
    timeZone: z.string().refine(isTimeZone, 'timeZone must be an IANA time zone').optional(),
    seeded: z.boolean().optional(),
    days: z.number().int().min(1).max(3650).optional(),
  })
  .strict();

/** Garmin's own formats: "YYYY-MM-DD HH:MM:SS" (the search's), with a T or fractions tolerated. */
const GARMIN_DATE_TIME = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/;

/** The keys the simulator itself needs from a raw activity; every other key is kept as given. */
const RawActivityKeys = z.looseObject({
  activityId: z.number().int().positive().max(Number.MAX_SAFE_INTEGER),
  startTimeLocal: z.string().regex(GARMIN_DATE_TIME, 'startTimeLocal must look like "YYYY-MM-DD HH:MM:SS"'),
  startTimeGMT: z.string().regex(GARMIN_DATE_TIME, 'startTimeGMT must look like "YYYY-MM-DD HH:MM:SS"'),
});

const RawActivityBody = z.object({ activity: RawActivityKeys, uploadedAt: isoInstant.optional() }).strict();
const GeneratedActivityBody = z.object({ typeKey: z.string().optional(), startTimeLocal: z.string().optional() }).strict();
const ActivityBody = z.union([RawActivityBody, GeneratedActivityBody]);

const DayBody = z.union([
  z.object({ summary: z.record(z.string(), z.unknown()) }).strict(),
  z.object({ empty: z.literal(true) }).strict(),
  z.object({ privacyProtected: z.literal(true) }).strict(),
  z.object({ noData: z.literal(true) }).strict(),
]);

const TTL = z.number().int().min(1).max(365 * 86_400);
const TokenSettings = z
  .object({ accessTtlSeconds: TTL.optional(), refreshTtlSeconds: TTL.optional() })
  .strict()
  .refine((t) => t.accessTtlSeconds !== undefined || t.refreshTtlSeconds !== undefined, 'give accessTtlSeconds, refreshTtlSeconds or both');
const DiExchange = z.object({ fail: z.boolean() }).strict();
const DeviceSync = z.object({ at: isoInstant.optional() }).strict();

/** The raw object exactly as the request sent it (zod's output may reorder keys). */
const rawActivityOf = (req: SimRequest): Record<string, unknown> => (jsonBody(req) as { activity: Record<string, unknown> }).activity;

export class AccountControl {
  constructor(private readonly state: SimulatorState) {}

  create(req: SimRequest): SimResponse {
    const body = parse(NewAccountBody, req);
    if (!body.ok) return body.response;
    const account = this.state.accounts.create(body.value);
    if (!account) return json(409, { error: `Account exists: ${body.value.email}` });
    return json(201, { email: account.email, displayName: account.displayName, profileId: account.profileId });
  }

  settings(account: Account): SimResponse {
    const { state } = this;
    const now = state.clock.now();
    const lastUpload = state.device.last(account, now);
    return json(200, {
      email: account.email,
      displayName: account.displayName,
      fullName: account.fullName,
      profileId: account.profileId,
      socialProfileId: account.socialProfileId,
      garminGuid: account.garminGuid,
      timeZone: account.timeZone,
      mfa: account.mfaCode !== undefined,
      seeded: account.seeded,
      days: account.historyDays,
      deviceId: account.deviceId,
      tokens: state.tokens.lifetimesOf(account),
      diExchangeFails: state.tokens.exchangeFails(account),
      deviceLastUploadAt: lastUpload === undefined ? null : new Date(lastUpload).toISOString(),
      activities: state.activities.counts(account),
      dayOverrides: state.days.list(account),
    });
  }

  addActivity(account: Account, req: SimRequest): SimResponse {
    const body = parse(ActivityBody, req);
    if (!body.ok) return body.response;
    const now = this.state.clock.now();
    if (!('activity' in body.value)) {
      const generated = this.state.activities.generate(account, body.value, now);
      if (typeof generated === 'string') return badRequest(generated);
      this.state.device.record(account, now);
      return json(201, generated);
    }
    const activity = rawActivityOf(req);
    if (this.state.activities.hasStored(account, body.value.activity.activityId)) {
      return json(409, { error: `Activity ${body.value.activity.activityId} exists; PUT replaces it` });
    }
    return this.store(account, activity, body.value.uploadedAt, now, 201);
  }

  putActivity(account: Account, rawId: string, req: SimRequest): SimResponse {
    const body = parse(RawActivityBody, req);
    if (!body.ok) return body.response;
    if (String(body.value.activity.activityId) !== rawId) return badRequest('activity.activityId must match the path');
    const now = this.state.clock.now();
    const existed = this.state.activities.has(account, body.value.activity.activityId, now);
    return this.store(account, rawActivityOf(req), body.value.uploadedAt, now, existed ? 200 : 201);
  }

  deleteActivity(account: Account, rawId: string): SimResponse {
    const id = Number(rawId);
    if (!/^\d+$/.test(rawId) || !this.state.activities.remove(account, id, this.state.clock.now())) {
      return json(404, { error: `No activity ${rawId}` });
    }
    return { status: 204 };
  }

  putDay(account: Account, date: string, req: SimRequest): SimResponse {
    if (!isIsoDate(date)) return badRequest('the path needs a date (YYYY-MM-DD)');
    const body = parse(DayBody, req);
    if (!body.ok) return body.response;
    const v = body.value;
    const override =
      'summary' in v ? { kind: 'summary' as const, summary: v.summary } : 'empty' in v ? { kind: 'empty' as const } : 'privacyProtected' in v ? { kind: 'privacyProtected' as const } : { kind: 'noData' as const };
    this.state.days.set(account, date, override);
    return json(200, { date, kind: override.kind });
  }

  deleteDay(account: Account, date: string): SimResponse {
    if (!isIsoDate(date)) return badRequest('the path needs a date (YYYY-MM-DD)');
    this.state.days.clear(account, date);
    return { status: 204 };
  }

  tokens(account: Account, req: SimRequest): SimResponse {
    const settings = parse(TokenSettings, req);
    if (!settings.ok) return settings.response;
    const { accessTtlSeconds, refreshTtlSeconds } = settings.value;
    const lifetimes = this.state.tokens.setLifetimes(account, {
      ...(accessTtlSeconds === undefined ? {} : { accessTtlSeconds }),
      ...(refreshTtlSeconds === undefined ? {} : { refreshTtlSeconds }),
    });
    return json(200, { ok: true, ...lifetimes });
  }

  revoke(account: Account): SimResponse {
    this.state.tokens.revoke(account);
    return json(200, { ok: true });
  }

  diExchange(account: Account, req: SimRequest): SimResponse {
    const body = parse(DiExchange, req);
    if (!body.ok) return body.response;
    this.state.tokens.setExchangeFailure(account, body.value.fail);
    return json(200, { ok: true, fail: body.value.fail });
  }

  deviceSync(account: Account, req: SimRequest): SimResponse {
    const body = parse(DeviceSync, req);
    if (!body.ok) return body.response;
    const at = body.value.at === undefined ? this.state.clock.now() : Date.parse(body.value.at);
    this.state.device.set(account, at);
    return json(200, { lastUsedDeviceUploadTime: at, at: new Date(at).toISOString() });
  }

  /** Stores a raw activity; it counts as a device upload at `uploadedAt`. */
  private store(account: Account, activity: Record<string, unknown>, uploadedAt: string | undefined, nowMs: number, status: number): SimResponse {
    const uploadedAtMs = uploadedAt === undefined ? nowMs : Date.parse(uploadedAt);
    this.state.activities.put(account, activity, uploadedAtMs);
    this.state.device.record(account, uploadedAtMs);
    return json(status, activity);
  }
}
