/**
 * Days a test has set through the control API (PUT /__sim/accounts/{email}/days/{date}):
 * a raw summary served verbatim, an empty answer (204), a privacy-protected day or
 * Garmin's no-wellness-data day. DELETE returns the day to its generated content.
 */
import type { Account } from './accounts';
import { json, type SimResponse } from './http';
import { dailySummary, noDataSummary, privacyProtectedSummary } from './summaries';

export type DayOverride =
  | { kind: 'summary'; summary: Record<string, unknown> }
  | { kind: 'empty' }
  | { kind: 'privacyProtected' }
  | { kind: 'noData' };

export class DayOverrides {
  private readonly byAccount = new Map<string, Map<string, DayOverride>>();

  set(account: Account, date: string, override: DayOverride): void {
    const days = this.byAccount.get(account.email) ?? new Map<string, DayOverride>();
    days.set(date, override);
    this.byAccount.set(account.email, days);
  }

  /** False when the day had not been set. */
  clear(account: Account, date: string): boolean {
    return this.byAccount.get(account.email)?.delete(date) ?? false;
  }

  /** Date -> kind, for the account's settings. */
  list(account: Account): Record<string, DayOverride['kind']> {
    return Object.fromEntries([...(this.byAccount.get(account.email) ?? new Map<string, DayOverride>())].map(([date, o]) => [date, o.kind]));
  }

  reset(): void {
    this.byAccount.clear();
  }

  /** The daily summary endpoint's answer for a day. */
  respond(account: Account, date: string, nowMs: number): SimResponse {
    const override = this.byAccount.get(account.email)?.get(date);
    switch (override?.kind) {
      case 'summary':
        return json(200, override.summary);
      case 'empty':
        return { status: 204 };
      case 'privacyProtected':
        return json(200, privacyProtectedSummary(account, date, nowMs));
      case 'noData':
        return json(200, noDataSummary(account, date, nowMs));
      default:
        return json(200, dailySummary(account, date, nowMs));
    }
  }
}
