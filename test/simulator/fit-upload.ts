/**
 * POST /upload-service/upload: the FIT file upload `add_body_composition` makes (multipart field
 * `file`, file name `body_composition.fit`, garminconnect/api/body.py). Decoded with Garmin's own
 * FIT SDK; each `weight_scale` message becomes a weigh-in of the account, filed under the local
 * day of its (UTC) timestamp in the account's zone, with its body composition, so the day view,
 * the range and the next sync show it. Garmin adds an uploaded weigh-in again on every upload
 * (it no longer merges equal timestamps), so a retried upload doubles it, as there.
 *
 * The answer is the recorded one: 202 with `detailedImportResult` (empty `successes` and
 * `failures`: processing goes on after the answer) and a `location` to poll:
 * https://github.com/matin/garth/blob/ec9057a34b6dd03e4664688f60bb33d92b36d638/tests/cassettes/test_upload.yaml
 * Not recorded, and so modelled: the answer to a file that is not FIT (400, one failure) and the
 * `sourceType` of an uploaded weigh-in (`FIT_FILE`).
 */
import { Decoder, Stream, type WeightScaleMesg } from '@garmin/fitsdk';
import type { Account } from './accounts';
import { json, type SimRequest, type SimResponse } from './http';
import type { WellnessState } from './wellness';
import { weighIn } from './wellness-shapes';
import { localDate } from './zoned-time';

interface FilePart {
  fileName: string;
  content: Buffer;
}

/** The multipart part named `name` (RFC 7578), or undefined. */
export function multipartFile(req: SimRequest, name: string): FilePart | undefined {
  const boundary = /boundary="?([^";]+)"?/i.exec(req.headers['content-type'] ?? '')?.[1];
  if (!boundary) return undefined;
  const delimiter = Buffer.from(`--${boundary}`);
  let at = req.body.indexOf(delimiter);
  while (at >= 0) {
    const start = at + delimiter.length + 2; // past the delimiter's CRLF
    const next = req.body.indexOf(delimiter, start);
    if (next < 0) return undefined;
    const part = req.body.subarray(start, next - 2); // the CRLF before the next delimiter
    const split = part.indexOf('\r\n\r\n');
    if (split >= 0) {
      const headers = part.subarray(0, split).toString('utf8');
      const disposition = /content-disposition:[^\r\n]*/i.exec(headers)?.[0] ?? '';
      if (new RegExp(`;\\s*name="${name}"`).test(disposition)) {
        return { fileName: /filename="([^"]*)"/.exec(disposition)?.[1] ?? '', content: part.subarray(split + 4) };
      }
    }
    at = next;
  }
  return undefined;
}

/** Recorded `creationDate` format: `2023-09-29 01:58:19.113 GMT`. */
const creationDate = (ms: number): string => `${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')} GMT`;

const hundredths = (value: number | undefined): number | null => (value === undefined ? null : Math.round(value * 100) / 100);
const grams = (kg: number | undefined): number | null => (kg === undefined ? null : Math.round(kg * 1000));

/** A weigh-in as the day view lists it, from one decoded `weight_scale` message. */
const uploadedWeighIn = (account: Account, mesg: WeightScaleMesg & { timestamp: Date; weight: number }) => {
  const atMs = mesg.timestamp.getTime();
  const date = localDate(atMs, account.timeZone);
  const item = {
    ...weighIn(account, date, atMs, Math.round(mesg.weight * 1000), undefined, 'FIT_FILE'),
    bmi: hundredths(mesg.bmi),
    bodyFat: hundredths(mesg.percentFat),
    bodyWater: hundredths(mesg.percentHydration),
    boneMass: grams(mesg.boneMass),
    muscleMass: grams(mesg.muscleMass),
  };
  return { date, item };
};

const hasWeight = (m: WeightScaleMesg): m is WeightScaleMesg & { timestamp: Date; weight: number } =>
  m.timestamp instanceof Date && typeof m.weight === 'number';

export function uploadFit(wellness: WellnessState, account: Account, req: SimRequest, nowMs: number): SimResponse {
  const file = multipartFile(req, 'file');
  const base = {
    uploadId: nowMs,
    uploadUuid: { uuid: `${nowMs.toString(16).padStart(8, '0').slice(-8)}-0000-4000-8000-${String(account.profileId).padStart(12, '0').slice(-12)}` },
    owner: account.profileId,
    fileSize: file?.content.length ?? 0,
    processingTime: 36,
    creationDate: creationDate(nowMs),
    ipAddress: null,
    fileName: file?.fileName ?? null,
    report: null,
  };
  const stream = file ? Stream.fromBuffer(file.content) : undefined;
  const decoder = stream ? new Decoder(stream) : undefined;
  if (!decoder?.checkIntegrity()) {
    const failure = { internalId: null, externalId: null, messages: [{ code: 1, content: 'The file is not a valid FIT file.' }] };
    return json(400, { detailedImportResult: { ...base, uploadId: '', successes: [], failures: [failure] } });
  }
  const { messages } = decoder.read();
  for (const mesg of (messages.weightScaleMesgs ?? []).filter(hasWeight)) {
    const { date, item } = uploadedWeighIn(account, mesg);
    wellness.setWeighIns(account, date, [...wellness.weighIns(account, date, nowMs), item]);
  }
  const uuid = base.uploadUuid.uuid.replaceAll('-', '');
  return json(202, { detailedImportResult: { ...base, successes: [], failures: [] } }, {
    location: `https://connectapi.garmin.com/activity-service/activity/status/${nowMs}/${uuid}`,
    'location-in-milliseconds': '1000',
  });
}
