/**
 * The write routes' bodies and answers (POST /garmin/weight, /garmin/hydration). Apart from
 * api-schemas.ts so the read API's schemas stay as they are; the OpenAPI lists both.
 */
import * as z from 'zod';
import { HydrationDayView, WeighInView } from './api-schemas';
import { IsoDate, WRITE_LIMITS } from './bridge-protocol';

/** The header every write carries: one key per intended write, reused only by its retries. */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
export const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
export const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]+$/;
export const IdempotencyKey = z
  .string()
  .min(1)
  .max(MAX_IDEMPOTENCY_KEY_LENGTH)
  .regex(IDEMPOTENCY_KEY_PATTERN, 'expected visible ASCII characters only (a UUID, say)');

/**
 * Body composition (fat, water, muscle, bone, BMI) reaches Garmin only as a FIT file upload,
 * which this API does not make: such fields are refused by name rather than dropped.
 */
export const BODY_COMPOSITION_FIELDS = ['bodyFatPct', 'bodyWaterPct', 'muscleMassKg', 'boneMassKg', 'bmi', 'visceralFat', 'metabolicAge'] as const;

/** Garmin Connect's own era: a date outside it is a client bug, not a weigh-in (and some would not format as a local time). */
const EARLIEST = '2000-01-01';
const LATEST = '2099-12-31';
/** Years 2000-2099, as a pattern so the OpenAPI states the rule too. */
const IN_ERA = /^20\d\d-/;
const ERA = { message: `must be from ${EARLIEST} to ${LATEST}` };

export const WeightWriteBody = z.strictObject({
  timestamp: z.iso.datetime({ offset: true }).regex(IN_ERA, ERA).describe(`When the weigh-in was taken, with its offset or Z, from ${EARLIEST} to ${LATEST}; its day is the local day in the user's Garmin zone`),
  weightKg: z.number().min(WRITE_LIMITS.minWeightKg).max(WRITE_LIMITS.maxWeightKg),
});

export const HydrationWriteBody = z.strictObject({
  date: IsoDate.regex(IN_ERA, ERA).describe(`The local day the intake is added to, from ${EARLIEST} to ${LATEST}`),
  ml: z.int().min(1).max(WRITE_LIMITS.maxHydrationMl).describe('Added to the day\'s intake'),
});

const readBack = 'null when Garmin took the write but the read of the day that follows it failed: the next sync brings the day';

export const WeightWriteResponse = z.object({
  date: IsoDate,
  weighIns: z.array(WeighInView).nullable().describe(`The day's weigh-ins after the write (GET /garmin/weight's items); ${readBack}`),
});

export const HydrationWriteResponse = z.object({
  date: IsoDate,
  hydration: HydrationDayView.nullable().describe(`The day after the write (GET /garmin/hydration's item); ${readBack}`),
});

export type WeightWriteBody = z.infer<typeof WeightWriteBody>;
export type HydrationWriteBody = z.infer<typeof HydrationWriteBody>;
