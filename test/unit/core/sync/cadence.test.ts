import { describe, expect, it } from 'vitest';
import { LIMITS } from '../../../../functions/core/shared/limits';
import { localHour } from '../../../../functions/core/shared/local-time';
import { EMPTY_HISTOGRAM, type UploadHistogram, cadenceSeconds, countUpload, hourKinds, inUsersNight, nextSyncSeconds } from '../../../../functions/core/sync/cadence';

const ZONE = 'Europe/Berlin';
/** Berlin is UTC+1 in November: the instant of a Berlin wall-clock time that day. */
const berlin = (time: string, date = '2026-11-23'): Date => new Date(`${date}T${time}+01:00`);

/** A watch that uploads every morning at 07:xx and every evening at 19:xx, for two weeks. */
const routine = (): UploadHistogram => {
  let histogram = EMPTY_HISTOGRAM;
  for (let day = 10; day < 24; day++) {
    histogram = countUpload(histogram, berlin('07:20:00', `2026-11-${day}`), ZONE);
    histogram = countUpload(histogram, berlin('19:40:00', `2026-11-${day}`), ZONE);
  }
  return histogram;
};

describe('the upload histogram', () => {
  it('counts each upload in its hour of the user\'s day, older ones fading', () => {
    const histogram = routine();
    expect(histogram.uploads).toBe(28);
    expect(localHour(berlin('07:20:00'), ZONE)).toBe(7);
    expect(histogram.hours[7]).toBeGreaterThan(0);
    expect(histogram.hours[19]).toBeGreaterThan(histogram.hours[7] ?? 0); // the latest upload weighs most
    expect(histogram.hours[7]).toBeLessThan(14); // faded below the raw count
    expect(histogram.hours.filter((count) => count > 0)).toHaveLength(2);
  });

  it('knows the usual hours, the night (the longest run without uploads) and the rest', () => {
    const kinds = hourKinds(routine());
    expect(kinds[7]).toBe('usual');
    expect(kinds[19]).toBe('usual');
    // 20:00 … 06:00 is the longest silent run: the night; 08:00 … 18:00 are waking hours.
    expect(kinds[23]).toBe('sleep');
    expect(kinds[3]).toBe('sleep');
    expect(kinds[12]).toBe('waking');
  });

  it('treats every hour as usual until enough uploads were seen', () => {
    let histogram = EMPTY_HISTOGRAM;
    for (let i = 0; i < LIMITS.cadenceLearnUploads - 1; i++) histogram = countUpload(histogram, berlin('07:20:00'), ZONE);
    expect(new Set(hourKinds(histogram))).toEqual(new Set(['usual']));
    expect(inUsersNight(histogram, ZONE, berlin('03:00:00'))).toBe(false);
  });

  it('says whether an instant falls in the user\'s night, in their zone', () => {
    expect(inUsersNight(routine(), ZONE, berlin('03:00:00'))).toBe(true);
    expect(inUsersNight(routine(), ZONE, berlin('12:00:00'))).toBe(false);
    // Noon in Berlin is 06:00 in New York: the hour is read in the zone given.
    expect(inUsersNight(routine(), 'America/New_York', berlin('12:00:00'))).toBe(true);
  });
});

describe('cadenceSeconds', () => {
  const input = { histogram: routine(), timeZone: ZONE, lastUploadAt: berlin('07:20:00') };

  it('syncs every interval around the usual hours, and in the hour before one', () => {
    expect(cadenceSeconds(input, berlin('07:45:00'))).toBe(LIMITS.syncIntervalSeconds);
    expect(cadenceSeconds(input, berlin('18:10:00'))).toBe(LIMITS.syncIntervalSeconds);
  });

  it('less often in other waking hours', () => {
    expect(cadenceSeconds(input, berlin('12:00:00'))).toBe(LIMITS.cadenceQuietSeconds);
  });

  it('rarely at night, waking for the hour before the morning upload', () => {
    expect(cadenceSeconds(input, berlin('23:30:00'))).toBe(LIMITS.cadenceSleepSeconds);
    // 04:30: the night ends at 06:00 (the hour before 07:00 is watched): 90 minutes.
    expect(cadenceSeconds(input, berlin('04:30:00'))).toBe(90 * 60);
  });

  it('every interval while the app reads the user\'s data, whatever the hour', () => {
    const reading = { ...input, lastReadAt: new Date(berlin('23:30:00').getTime() - 10 * 60_000) };
    expect(cadenceSeconds(reading, berlin('23:30:00'))).toBe(LIMITS.syncIntervalSeconds);
    const readLongAgo = { ...input, lastReadAt: new Date(berlin('23:30:00').getTime() - LIMITS.cadenceReadWindowSeconds * 1000) };
    expect(cadenceSeconds(readLongAgo, berlin('23:30:00'))).toBe(LIMITS.cadenceSleepSeconds);
  });

  it('rarely once the device has been silent for days', () => {
    const dormant = { ...input, lastUploadAt: new Date(berlin('07:45:00').getTime() - LIMITS.cadenceDormantAfterSeconds * 1000) };
    expect(cadenceSeconds(dormant, berlin('07:45:00'))).toBe(LIMITS.cadenceDormantSeconds);
  });

  it('keeps the fixed interval for a user it has not learnt yet', () => {
    expect(cadenceSeconds({ histogram: EMPTY_HISTOGRAM, timeZone: ZONE }, berlin('03:00:00'))).toBe(LIMITS.syncIntervalSeconds);
  });
});

describe('nextSyncSeconds', () => {
  it('reads the histogram and the last upload from the cursors; the fixed interval without a zone', () => {
    const { hours, uploads } = routine();
    const cursors = { uploadHours: hours, uploadsSeen: uploads, deviceUploadAt: berlin('19:40:00').toISOString() };
    expect(nextSyncSeconds(cursors, ZONE, berlin('23:30:00'))).toBe(LIMITS.cadenceSleepSeconds);
    expect(nextSyncSeconds(cursors, undefined, berlin('23:30:00'))).toBe(LIMITS.syncIntervalSeconds);
    expect(nextSyncSeconds({}, ZONE, berlin('23:30:00'))).toBe(LIMITS.syncIntervalSeconds);
  });
});
