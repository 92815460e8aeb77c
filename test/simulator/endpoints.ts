/** Names under which requests are counted, logged and targeted by faults. */
export const ENDPOINT_NAMES = [
  'sso-signin-page',
  'sso-login',
  'sso-mfa-verify',
  'token-exchange',
  'token-refresh',
  'web-ticket',
  'social-profile',
  'user-settings',
  'personal-information',
  'activities',
  'daily-summary',
  'device-last-used',
  'sync-timestamp',
  'weight-dayview',
  'weight-range',
  'weight-add',
  'fit-upload',
  'hydration-daily',
  'hydration-log',
  'sleep-daily',
  'other',
] as const;

export type EndpointName = (typeof ENDPOINT_NAMES)[number];
