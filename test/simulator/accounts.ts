/** The fixed Garmin accounts the simulator knows. Any other username or password is refused. */

export interface Account {
  email: string;
  password: string;
  /** Set when the account has MFA: the only code that verifies. */
  mfaCode: string | undefined;
  profileId: number;
  garminGuid: string;
  displayName: string;
  fullName: string;
  timeZone: string;
  /** Garmin's own numeric zone id, which activity list items carry (illustrative values). */
  garminTimeZoneId: number;
  /** Days of data ending today (local), today included. */
  historyDays: number;
  /** Seeds every generated figure of the account. */
  seed: string;
  city: string;
  countryCode: string;
  latitude: number;
  longitude: number;
  gender: 'MALE' | 'FEMALE';
  birthDate: string;
  heightCm: number;
  weightGrams: number;
  vo2Max: number;
  deviceId: number;
  /** Activity ids are this plus a per-day offset, so they are stable and never collide. */
  activityIdBase: number;
  dailyStepGoal: number;
  bmrKilocalories: number;
  restingHeartRate: number;
}

const PASSWORD = 'correct-horse';

const ACCOUNTS: readonly Account[] = [
  {
    email: 'athlete@example.com',
    password: PASSWORD,
    mfaCode: undefined,
    profileId: 42_424_242,
    garminGuid: '4f1c2a7e-42a0-4b6e-9c1d-0a4242424242',
    displayName: 'athlete-42',
    fullName: 'Alex Athlete',
    timeZone: 'Europe/Berlin',
    garminTimeZoneId: 124,
    historyDays: 730,
    seed: 'athlete-42',
    city: 'Berlin',
    countryCode: 'DE',
    latitude: 52.52,
    longitude: 13.405,
    gender: 'MALE',
    birthDate: '1990-04-12',
    heightCm: 181,
    weightGrams: 76_500,
    vo2Max: 52,
    deviceId: 3_442_355_661,
    activityIdBase: 12_000_000_000,
    dailyStepGoal: 9000,
    bmrKilocalories: 1780,
    restingHeartRate: 50,
  },
  {
    email: 'mfa@example.com',
    password: PASSWORD,
    mfaCode: '123456',
    profileId: 70_707_070,
    garminGuid: '7d0e5b1a-7070-4c3f-8e2b-707070707070',
    displayName: 'mfa-runner-7',
    fullName: 'Morgan Factor',
    timeZone: 'America/New_York',
    garminTimeZoneId: 149,
    historyDays: 60,
    seed: 'mfa-runner-7',
    city: 'New York',
    countryCode: 'US',
    latitude: 40.7128,
    longitude: -74.006,
    gender: 'FEMALE',
    birthDate: '1987-09-03',
    heightCm: 168,
    weightGrams: 61_000,
    vo2Max: 46,
    deviceId: 3_391_122_044,
    activityIdBase: 13_000_000_000,
    dailyStepGoal: 7500,
    bmrKilocalories: 1420,
    restingHeartRate: 56,
  },
];

/** Garmin usernames are emails and compare case-insensitively. */
export function findAccount(email: string): Account | undefined {
  const wanted = email.trim().toLowerCase();
  return ACCOUNTS.find((a) => a.email === wanted);
}

export function findAccountByGuid(guid: string): Account | undefined {
  return ACCOUNTS.find((a) => a.garminGuid === guid);
}
