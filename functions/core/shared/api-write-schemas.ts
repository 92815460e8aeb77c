/**
 * The write routes' bodies and answers (POST /garmin/weight, /garmin/hydration). Apart from
 * api-schemas.ts so the read API's schemas stay as they are; the OpenAPI lists both.
 */
import * as z from './zod';
import { responseSchemas } from './api-schemas';
import { BodyComposition, IsoDate, WRITE_LIMITS } from './bridge-protocol';
import { once } from './once';

/** The Idempotency-Key header every write carries (the route table names it): one key per intended write, reused only by its retries. */
const MAX_IDEMPOTENCY_KEY_LENGTH = 255;
const IDEMPOTENCY_KEY_PATTERN = /^[\x21-\x7e]+$/;
export const IdempotencyKey = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(MAX_IDEMPOTENCY_KEY_LENGTH),
    z.regex(IDEMPOTENCY_KEY_PATTERN, 'expected visible ASCII characters only (a UUID, say)'),
  );

/** Garmin Connect's own era: a date outside it is a client bug, not a weigh-in (and some would not format as a local time). */
const EARLIEST = '2000-01-01';
const LATEST = '2099-12-31';
/** Years 2000-2099, as a pattern so the OpenAPI states the rule too. */
const IN_ERA = /^20\d\d-/;
const ERA = { message: `must be from ${EARLIEST} to ${LATEST}` };

/** The body-composition fields of a weigh-in: any of them makes the write a FIT upload. */
const COMPOSITION = BodyComposition.shape;
const COMPOSITION_KEYS = Object.keys(COMPOSITION) as Array<keyof BodyComposition>;
const MASSES = ['muscleMassKg', 'boneMassKg'] as const;

export const WeightWriteBody = z
  .strictObject({
    timestamp: z.iso
      .datetime({ offset: true })
      .check(
        z.regex(IN_ERA, ERA),
        z.describe(`When the weigh-in was taken, with its offset or Z, from ${EARLIEST} to ${LATEST}; its day is the local day in the user's Garmin zone`),
      ),
    weightKg: z
      .number()
      .check(
        z.gte(WRITE_LIMITS.minWeightKg),
        z.lte(WRITE_LIMITS.maxWeightKg),
        z.describe(`Weight, kg; at most ${WRITE_LIMITS.maxFitWeightKg} with any body-composition field (a FIT weight field holds no more)`),
      ),
    bodyFatPct: COMPOSITION.bodyFatPct.check(z.describe('Body fat, percent of the weight')),
    bodyWaterPct: COMPOSITION.bodyWaterPct.check(z.describe('Body water, percent of the weight')),
    muscleMassKg: COMPOSITION.muscleMassKg.check(z.describe('Muscle mass, kg (at most the weight)')),
    boneMassKg: COMPOSITION.boneMassKg.check(z.describe('Bone mass, kg (at most the weight)')),
    bmi: COMPOSITION.bmi.check(z.describe('Body mass index')),
  })
  .check(
    z.superRefine((body, ctx) => {
      // A FIT weight_scale message holds the weight in uint16 hundredths of a kg.
      if (bodyCompositionOf(body) && body.weightKg > WRITE_LIMITS.maxFitWeightKg) {
        ctx.addIssue({ code: 'custom', path: ['weightKg'], message: `must be at most ${WRITE_LIMITS.maxFitWeightKg} with body composition` });
      }
      for (const mass of MASSES) {
        const value = body[mass];
        if (value !== undefined && value > body.weightKg) ctx.addIssue({ code: 'custom', path: [mass], message: 'must be at most weightKg' });
      }
    }),
    z.describe("A weigh-in; with any body-composition field it reaches Garmin as a FIT file upload (the library's add_body_composition), else as a manual entry"),
  );

/** The body composition a weigh-in names, or undefined when it names none (a manual entry). */
export function bodyCompositionOf(body: BodyComposition): BodyComposition | undefined {
  const named = COMPOSITION_KEYS.filter((key) => body[key] !== undefined);
  return named.length ? Object.fromEntries(named.map((key) => [key, body[key]])) : undefined;
}

export const HydrationWriteBody = z.strictObject({
  date: IsoDate.check(z.regex(IN_ERA, ERA), z.describe(`The local day the intake is added to, from ${EARLIEST} to ${LATEST}`)),
  ml: z.int().check(z.gte(1), z.lte(WRITE_LIMITS.maxHydrationMl), z.describe("Added to the day's intake")),
});

const readBack = 'null when Garmin took the write but the read of the day that follows it failed: the next sync brings the day';

/** The writes' answers: like api-schemas.ts's, read only by the OpenAPI document, so built on the first call. */
export const writeResponseSchemas = once(() => {
  const { WeighInView, HydrationDayView } = responseSchemas();
  return {
    WeightWriteResponse: z.object({
      date: IsoDate,
      weighIns: z.nullable(z.array(WeighInView)).check(z.describe(`The day's weigh-ins after the write (GET /garmin/weight's items); ${readBack}`)),
    }),
    HydrationWriteResponse: z.object({
      date: IsoDate,
      hydration: z.nullable(HydrationDayView).check(z.describe(`The day after the write (GET /garmin/hydration's item); ${readBack}`)),
    }),
  };
});

export type WeightWriteBody = z.infer<typeof WeightWriteBody>;
export type HydrationWriteBody = z.infer<typeof HydrationWriteBody>;
