/**
 * What tests change about an account's activities through the control API: raw Garmin
 * objects added or replaced (stored exactly as given), generated ones deleted, and the
 * activity search over generated and stored items together.
 */
import type { Account } from './accounts';
import {
  ACTIVITY_TYPE_KEYS,
  buildActivity,
  endedBetween,
  generatedById,
  historyWindow,
  kindOf,
  matchesType,
  type RawActivity,
} from './activities';
import { Rng } from './prng';
import { parseLocalDateTime, zonedToUtc } from './zoned-time';

interface Stored {
  activity: RawActivity;
  /** When the device uploaded it; the search lists it from then on. */
  uploadedAtMs: number;
}

interface AccountActivities {
  stored: Map<number, Stored>;
  /** Generated ids deleted on "Garmin". */
  deleted: Set<number>;
}

export interface ActivitySearch {
  start: number;
  limit: number;
  startDate?: string;
  endDate?: string;
  activityType?: string;
  ascending: boolean;
}

/** A raw item's local start date; the search filters and sorts on startTimeLocal as Garmin does. */
const startLocal = (a: RawActivity): string => String(a.startTimeLocal);
const idOf = (a: RawActivity): number => Number(a.activityId);

export class ActivityStore {
  private readonly byAccount = new Map<string, AccountActivities>();
  private added = 0;

  /**
   * A realistic activity generated from a type and a local start time (the legacy control
   * body); stored like a raw one. Returns an error message for a bad type or time.
   */
  generate(account: Account, fields: { typeKey?: string | undefined; startTimeLocal?: string | undefined }, nowMs: number): RawActivity | string {
    const kind = kindOf(fields.typeKey ?? 'running');
    if (!kind) return `typeKey must be one of ${ACTIVITY_TYPE_KEYS.join(', ')}`;
    let startMs = Math.floor(nowMs / 1000) * 1000;
    if (fields.startTimeLocal !== undefined) {
      const local = parseLocalDateTime(fields.startTimeLocal);
      if (!local) return 'startTimeLocal must look like "YYYY-MM-DD HH:MM:SS"';
      startMs = zonedToUtc(local.date, local.secondsOfDay, account.timeZone);
    }
    this.added += 1;
    // Past any generated id (those stay below base + 10 * epochDay(9999-12-31)).
    const id = account.activityIdBase + 900_000_000 + this.added;
    const activity = buildActivity(account, kind, startMs, id, new Rng(`${account.seed}|added|${this.added}`));
    this.put(account, activity, nowMs);
    return activity;
  }

  /** True when an added (not generated) activity with this id is stored. */
  hasStored(account: Account, activityId: number): boolean {
    return this.of(account).stored.has(activityId);
  }

  /** Adds or replaces; replacing a generated activity hides the generated one. */
  put(account: Account, activity: RawActivity, uploadedAtMs: number): void {
    this.of(account).stored.set(idOf(activity), { activity, uploadedAtMs });
  }

  /** Is there such an activity, stored or generated (and not deleted)? */
  has(account: Account, activityId: number, nowMs: number): boolean {
    return this.of(account).stored.has(activityId) || this.liveGenerated(account, activityId, nowMs);
  }

  /** False when there was no such activity (generated or stored). */
  remove(account: Account, activityId: number, nowMs: number): boolean {
    const entry = this.of(account);
    const generated = this.liveGenerated(account, activityId, nowMs);
    if (!entry.stored.delete(activityId) && !generated) return false;
    if (generatedById(account, activityId)) entry.deleted.add(activityId);
    return true;
  }

  counts(account: Account): { stored: number; deleted: number } {
    const entry = this.of(account);
    return { stored: entry.stored.size, deleted: entry.deleted.size };
  }

  reset(): void {
    this.byAccount.clear();
    this.added = 0;
  }

  /**
   * The activity list as Garmin answers it: newest first by local start time (oldest first
   * with sortOrder=asc), filtered on the local start date, one page of it. Generated
   * activities appear once they have ended, stored ones once uploaded.
   */
  search(account: Account, search: ActivitySearch, nowMs: number): RawActivity[] {
    const entry = this.of(account);
    const inRange = (a: RawActivity) => {
      const date = startLocal(a).slice(0, 10);
      return (!search.startDate || date >= search.startDate) && (!search.endDate || date <= search.endDate);
    };
    const items: RawActivity[] = endedBetween(account, search.startDate ?? '0000-01-01', search.endDate ?? '9999-12-31', nowMs).filter(
      (a) => !entry.deleted.has(a.activityId) && !entry.stored.has(a.activityId),
    );
    for (const { activity, uploadedAtMs } of entry.stored.values()) {
      if (uploadedAtMs <= nowMs && inRange(activity)) items.push(activity);
    }
    const ofType = search.activityType ? items.filter((a) => matchesType(a, search.activityType ?? '')) : items;
    const direction = search.ascending ? 1 : -1;
    ofType.sort((a, b) => direction * (startLocal(a).localeCompare(startLocal(b)) || idOf(a) - idOf(b)));
    return ofType.slice(search.start, search.start + search.limit);
  }

  /** A generated activity of the account's history that no test deleted. */
  private liveGenerated(account: Account, activityId: number, nowMs: number): boolean {
    const generated = generatedById(account, activityId);
    if (!generated || this.of(account).deleted.has(activityId)) return false;
    const { first, today } = historyWindow(account, nowMs);
    const day = startLocal(generated).slice(0, 10);
    return day >= first && day <= today;
  }

  private of(account: Account): AccountActivities {
    let entry = this.byAccount.get(account.email);
    if (!entry) {
      entry = { stored: new Map(), deleted: new Set() };
      this.byAccount.set(account.email, entry);
    }
    return entry;
  }
}
