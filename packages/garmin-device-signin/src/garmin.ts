/**
 * Garmin's SSO as Garmin's own apps use it, taken from garminconnect 0.3.20
 * (client/constants.py). A service ticket is bound to the service URL it was issued for;
 * Garmin's DI token endpoint exchanges only tickets issued for these three services, so they
 * are also the backend's allow-list (functions/core/shared/bridge-protocol.ts imports them).
 */
export const SSO_BASE_URL = 'https://sso.garmin.com';

export const PORTAL_SERVICE_URL = 'https://connect.garmin.com/app';
export const IOS_SERVICE_URL = 'https://mobile.integration.garmin.com/gcm/ios';
export const ANDROID_SERVICE_URL = 'https://mobile.integration.garmin.com/gcm/android';

export const GARMIN_SERVICE_URLS = [PORTAL_SERVICE_URL, IOS_SERVICE_URL, ANDROID_SERVICE_URL] as const;
export type GarminServiceUrl = (typeof GARMIN_SERVICE_URLS)[number];

/** The SSO client each service's sign-in page belongs to, and the page's path and locale style. */
export const SIGN_IN_CLIENTS: Record<GarminServiceUrl, { clientId: string; flow: 'portal' | 'mobile' }> = {
  [PORTAL_SERVICE_URL]: { clientId: 'GarminConnect', flow: 'portal' },
  [IOS_SERVICE_URL]: { clientId: 'GCM_IOS_DARK', flow: 'mobile' },
  [ANDROID_SERVICE_URL]: { clientId: 'GCM_ANDROID_DARK', flow: 'mobile' },
};

export const isGarminServiceUrl = (value: string): value is GarminServiceUrl => (GARMIN_SERVICE_URLS as readonly string[]).includes(value);

/** CAS service tickets: `ST-` and a URL-safe id (Garmin's look like `ST-0123456-AbC…-cas`). */
export const SERVICE_TICKET_PATTERN = /^ST-[A-Za-z0-9._-]{1,250}$/;
