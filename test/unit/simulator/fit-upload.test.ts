/** POST /upload-service/upload: a FIT weight file becomes weigh-ins; anything else is refused and adds nothing. */
import { Encoder, type FileIdMesg, Profile, type WeightScaleMesg } from '@garmin/fitsdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ATHLETE, type Json, SimHarness } from './helpers';

let sim: SimHarness;
let token: string;
beforeAll(async () => {
  sim = await SimHarness.start();
  token = (await sim.login()).access_token;
});
afterAll(() => sim.close());

const DATE = '2026-11-20';
// 06:30 UTC is 07:30 in Berlin (the athlete's zone): the weigh-in's day is DATE.
const AT = new Date(`${DATE}T06:30:00Z`);

const mesgNum = (name: string): number => {
  const num = Profile.MesgNum[name];
  if (num === undefined) throw new Error(`the FIT profile has no ${name} message`);
  return num;
};

/** Two weigh-ins in one FIT weight file, encoded by Garmin's SDK (not by the library under test). */
const weightFile = (): Uint8Array => {
  const encoder = new Encoder();
  const fileId: FileIdMesg = { type: 'weight', manufacturer: 'development', product: 1, serialNumber: 1, timeCreated: AT };
  encoder.onMesg(mesgNum('FILE_ID'), fileId);
  const weighIns: WeightScaleMesg[] = [
    { timestamp: AT, weight: 80.25, percentFat: 21.5, percentHydration: 55, boneMass: 3.5, muscleMass: 36.25, bmi: 24.5 },
    { timestamp: new Date(AT.getTime() + 60_000), weight: 80.5 },
  ];
  for (const weighIn of weighIns) encoder.onMesg(mesgNum('WEIGHT_SCALE'), weighIn);
  return encoder.close();
};

const upload = async (content: Uint8Array, field = 'file') => {
  const form = new FormData();
  form.append(field, new Blob([content]), 'body_composition.fit');
  const response = await fetch(`${sim.url}/connectapi/upload-service/upload`, { method: 'POST', headers: { authorization: `Bearer ${token}` }, body: form });
  return { status: response.status, body: (await response.json()) as { detailedImportResult: Json }, location: response.headers.get('location') };
};

const weighIns = async () => (await sim.control<{ weighIns: Json[] }>('GET', `/accounts/${ATHLETE}/weight/${DATE}`)).body.weighIns;

describe('FIT upload', () => {
  it('adds each weight_scale message as a weigh-in with its body composition, answering as Garmin does', async () => {
    const before = (await weighIns()).length;

    const answer = await upload(weightFile());

    expect(answer.status).toBe(202);
    expect(answer.body.detailedImportResult).toMatchObject({ fileName: 'body_composition.fit', successes: [], failures: [], report: null });
    expect(answer.location).toMatch(/\/activity-service\/activity\/status\/\d+\/[0-9a-f]{32}$/);
    const items = await weighIns();
    expect(items).toHaveLength(before + 2);
    expect(items.at(-2)).toMatchObject({
      calendarDate: DATE,
      timestampGMT: AT.getTime(),
      weight: 80250,
      bodyFat: 21.5,
      bodyWater: 55,
      boneMass: 3500,
      muscleMass: 36250,
      bmi: 24.5,
      sourceType: 'FIT_FILE',
    });
    expect(items.at(-1)).toMatchObject({ weight: 80500, bodyFat: null, bmi: null });
  });

  it('refuses a file that is not FIT, or a form without the file field, adding nothing', async () => {
    const before = (await weighIns()).length;

    const notFit = await upload(new TextEncoder().encode('weight,80\n'));
    const otherField = await upload(weightFile(), 'upload');

    expect([notFit.status, otherField.status]).toEqual([400, 400]);
    expect(notFit.body.detailedImportResult.failures).toHaveLength(1);
    expect(await weighIns()).toHaveLength(before);
  });
});
