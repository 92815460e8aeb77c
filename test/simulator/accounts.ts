/**
 * The Garmin accounts the simulator knows: two built-in ones and any a test creates through
 * the control API (POST /__sim/accounts). Any other username or password is refused.
 */
import { Rng } from './prng';

export interface Account {
  email: string;
  password: string;
  /** Set when the account has MFA: the only code that verifies. */
  mfaCode: string | undefined;
  profileId: number;
  /** The social profile's own `id`, which at Garmin differs from `profileId`. */
  socialProfileId: number;
  garminGuid: string;
  displayName: string;
  fullName: string;
  timeZone: string;
  /** Garmin's own numeric zone id, which activity list items carry (illustrative values). */
  garminTimeZoneId: number;
  /** False for an account without generated activities or wellness data. */
  seeded: boolean;
  /** Days of generated data ending today (local), today included. */
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
  deviceName: string;
  /** Activity ids are this plus a per-day offset, so they are stable and never collide. */
  activityIdBase: number;
  dailyStepGoal: number;
  bmrKilocalories: number;
  restingHeartRate: number;
}

const PASSWORD = 'correct-horse';

const BUILT_IN: readonly Account[] = [
  {
    email: 'athlete@example.com',
    password: PASSWORD,
    mfaCode: undefined,
    profileId: 42_424_242,
    socialProfileId: 142_424_242,
    garminGuid: '4f1c2a7e-42a0-4b6e-9c1d-0a4242424242',
    displayName: 'athlete-42',
    fullName: 'Alex Athlete',
    timeZone: 'Europe/Berlin',
    garminTimeZoneId: 124,
    seeded: true,
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
    deviceName: 'Forerunner 965',
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
    socialProfileId: 170_707_070,
    garminGuid: '7d0e5b1a-7070-4c3f-8e2b-707070707070',
    displayName: 'mfa-runner-7',
    fullName: 'Morgan Factor',
    timeZone: 'America/New_York',
    garminTimeZoneId: 149,
    seeded: true,
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
    deviceName: 'vivoactive 5',
    activityIdBase: 13_000_000_000,
    dailyStepGoal: 7500,
    bmrKilocalories: 1420,
    restingHeartRate: 56,
  },
];

export interface NewAccount {
  email: string;
  password: string;
  mfaCode?: string | undefined;
  displayName?: string | undefined;
  timeZone?: string | undefined;
  seeded?: boolean | undefined;
  days?: number | undefined;
}

const DEFAULT_CREATED_DAYS = 90;

const PLACES = [
  { city: 'Munich', countryCode: 'DE', latitude: 48.137, longitude: 11.575 },
  { city: 'Denver', countryCode: 'US', latitude: 39.739, longitude: -104.99 },
  { city: 'Lyon', countryCode: 'FR', latitude: 45.764, longitude: 4.835 },
  { city: 'Melbourne', countryCode: 'AU', latitude: -37.814, longitude: 144.963 },
] as const;

const DEVICES = ['Forerunner 265', 'fenix 7', 'Venu 3', 'Instinct 2'] as const;

const normalise = (email: string): string => email.trim().toLowerCase();

/**
 * Everything Garmin would know about a new account, drawn from its email so the same
 * request always creates the same account. Ids are spread over a range Garmin uses.
 */
function deriveAccount(spec: NewAccount, serial: number): Account {
  const email = normalise(spec.email);
  const rng = new Rng(`account|${email}`);
  const place = rng.weighted(PLACES.map((p) => [p, 1] as const));
  const guid = rng.hex(32);
  const profileId = 80_000_000 + rng.int(0, 9_999_999);
  const local = email.split('@')[0] ?? 'user';
  const fullName = local
    .split(/[._+-]+/)
    .filter(Boolean)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(' ');
  return {
    email,
    password: spec.password,
    mfaCode: spec.mfaCode,
    profileId,
    socialProfileId: profileId + 300_000_000 + rng.int(0, 999_999),
    garminGuid: `${guid.slice(0, 8)}-${guid.slice(8, 12)}-${guid.slice(12, 16)}-${guid.slice(16, 20)}-${guid.slice(20)}`,
    // Garmin assigns new accounts an opaque display name (a UUID) unless the user picks one.
    displayName: spec.displayName ?? rng.hex(8) + '-' + rng.hex(4) + '-' + rng.hex(4) + '-' + rng.hex(4) + '-' + rng.hex(12),
    fullName: fullName || 'Garmin User',
    timeZone: spec.timeZone ?? 'UTC',
    garminTimeZoneId: 100 + rng.int(0, 99),
    seeded: spec.seeded ?? false,
    historyDays: spec.days ?? DEFAULT_CREATED_DAYS,
    seed: `created|${email}`,
    ...place,
    gender: rng.next() < 0.5 ? 'MALE' : 'FEMALE',
    birthDate: `${rng.int(1960, 2004)}-0${rng.int(1, 9)}-${10 + rng.int(0, 18)}`,
    heightCm: rng.int(155, 195),
    weightGrams: rng.int(50, 95) * 1000,
    vo2Max: rng.int(35, 58),
    deviceId: 3_500_000_000 + rng.int(0, 99_999_999),
    deviceName: rng.weighted(DEVICES.map((d) => [d, 1] as const)),
    // Far from the built-in bases and from each other (serials are never reused until reset).
    activityIdBase: 20_000_000_000 + serial * 1_000_000_000,
    dailyStepGoal: rng.int(60, 120) * 100,
    bmrKilocalories: rng.int(1350, 1950),
    restingHeartRate: rng.int(45, 65),
  };
}

/** The simulator's account book; POST /__sim/reset forgets the created accounts. */
export class AccountRegistry {
  private readonly created = new Map<string, Account>();
  private serial = 0;

  /** Garmin usernames are emails and compare case-insensitively. */
  find(email: string): Account | undefined {
    const wanted = normalise(email);
    return BUILT_IN.find((a) => a.email === wanted) ?? this.created.get(wanted);
  }

  findByGuid(guid: string): Account | undefined {
    return BUILT_IN.find((a) => a.garminGuid === guid) ?? [...this.created.values()].find((a) => a.garminGuid === guid);
  }

  /** The new account, or undefined when the email is taken. */
  create(spec: NewAccount): Account | undefined {
    if (this.find(spec.email)) return undefined;
    this.serial += 1;
    const account = deriveAccount(spec, this.serial);
    this.created.set(account.email, account);
    return account;
  }

  reset(): void {
    this.created.clear();
    this.serial = 0;
  }
}
