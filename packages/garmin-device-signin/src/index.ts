/** Garmin sign-in on the user's own device, for apps of the garmin-sync backend (README.md). */
export { signInUrl, ticketFromRedirect, type ServiceTicket, type SignInUrlOptions } from './browser';
export { GarminSignInError, signIn, type GarminSignInErrorCode, type MfaPrompt, type SignInOptions } from './direct';
export {
  ANDROID_SERVICE_URL,
  GARMIN_SERVICE_URLS,
  IOS_SERVICE_URL,
  PORTAL_SERVICE_URL,
  type GarminServiceUrl,
} from './garmin';
