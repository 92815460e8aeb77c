/**
 * The device's last upload ("sync") time, which Garmin serves from
 * /device-service/deviceservice/mylastused (epoch ms; garminconnect's get_device_last_used)
 * and /wellness-service/wellness/syncTimestamp (UTC, "YYYY-MM-DDTHH:MM:SS.0";
 * get_sync_timestamp). By default it is the last upload the simulator knows of: the end of
 * the last generated activity that has ended, or an activity added through the control API
 * at its `uploadedAt`. POST /__sim/accounts/{email}/device-sync sets it outright.
 */
import type { Account } from './accounts';
import { activitiesOn, endMs } from './activities';
import { addDays, localDate, summaryTimestamp, utcDateTime } from './zoned-time';

/** How far back the default looks for a generated upload. */
const LOOKBACK_DAYS = 31;

function lastGeneratedUpload(account: Account, nowMs: number): number | undefined {
  let date = localDate(nowMs, account.timeZone);
  for (let i = 0; i < LOOKBACK_DAYS; i++, date = addDays(date, -1)) {
    const ended = activitiesOn(account, date).map(endMs).filter((ms) => ms <= nowMs);
    if (ended.length > 0) return Math.max(...ended);
  }
  return undefined;
}

export class DeviceUploads {
  /** Set by device-sync; replaces the generated default. */
  private readonly explicit = new Map<string, number>();
  /** Uploads of added activities since the last device-sync. */
  private readonly uploads = new Map<string, number[]>();

  record(account: Account, atMs: number): void {
    this.uploads.set(account.email, [...(this.uploads.get(account.email) ?? []), atMs]);
  }

  set(account: Account, atMs: number): void {
    this.explicit.set(account.email, atMs);
    this.uploads.delete(account.email);
  }

  /** Epoch ms of the last upload, or undefined when the device never uploaded. */
  last(account: Account, nowMs: number): number | undefined {
    const base = this.explicit.get(account.email) ?? lastGeneratedUpload(account, nowMs);
    const uploads = (this.uploads.get(account.email) ?? []).filter((ms) => ms <= nowMs);
    const all = base === undefined ? uploads : [base, ...uploads];
    return all.length > 0 ? Math.max(...all) : undefined;
  }

  reset(): void {
    this.explicit.clear();
    this.uploads.clear();
  }
}

/** The mylastused answer, in the shape client libraries model it. */
export function lastUsedDevice(account: Account, uploadMs: number | undefined): Record<string, unknown> {
  const key = account.deviceName.toLowerCase().replace(/[^a-z0-9]/g, '');
  return {
    userDeviceId: account.deviceId,
    userProfileNumber: account.profileId,
    applicationNumber: 3_000 + (account.deviceId % 1000),
    lastUsedDeviceApplicationKey: key,
    lastUsedDeviceName: account.deviceName,
    lastUsedDeviceUploadTime: uploadMs ?? null,
    imageUrl: `https://res.garmin.com/en/products/${key}/${key}-cf-lg.png`,
    released: true,
  };
}

export const syncTimestamp = (uploadMs: number): string => summaryTimestamp(utcDateTime(uploadMs));
