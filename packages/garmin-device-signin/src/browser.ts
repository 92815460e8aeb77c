/**
 * Sign-in in a webview or a browser tab: the user signs in on Garmin's own page, which ends
 * by navigating to the service URL with `?ticket=ST-…`. Only standard web APIs (URL), so
 * this entry runs in any browser, webview bridge or server.
 */
import {
  type GarminServiceUrl,
  isGarminServiceUrl,
  PORTAL_SERVICE_URL,
  SERVICE_TICKET_PATTERN,
  SIGN_IN_CLIENTS,
  SSO_BASE_URL,
} from './garmin';

export interface SignInUrlOptions {
  /** The service the ticket will be for; default Garmin Connect's web app (the portal). */
  serviceUrl?: GarminServiceUrl;
  /** Language of Garmin's page, e.g. `de-DE`; default `en-US`. */
  locale?: string;
  /** Garmin's SSO; only tests point this elsewhere (the simulator). */
  ssoBaseUrl?: string;
}

/** A service ticket and the service URL it was issued for: what POST /garmin/connection takes. */
export interface ServiceTicket {
  ticket: string;
  serviceUrl: GarminServiceUrl;
}

const LOCALE = /^([a-z]{2})[-_]([a-z]{2})$/i;

/** The URL of Garmin's sign-in page to open in a webview or a browser tab. */
export const signInUrl = (options: SignInUrlOptions = {}): string => {
  const serviceUrl = options.serviceUrl ?? PORTAL_SERVICE_URL;
  const client = SIGN_IN_CLIENTS[serviceUrl];
  if (!client) throw new RangeError(`not a Garmin service URL: ${serviceUrl}`);
  const locale = LOCALE.exec(options.locale ?? 'en-US');
  if (!locale) throw new RangeError('locale must look like en-US');
  // The portal's page spells locales en-US, the mobile apps' page en_US.
  const separator = client.flow === 'portal' ? '-' : '_';
  const path = `${client.flow}/sso/${locale[1]?.toLowerCase()}${separator}${locale[2]?.toUpperCase()}/sign-in`;
  const query = new URLSearchParams({ clientId: client.clientId, service: serviceUrl });
  return `${(options.ssoBaseUrl ?? SSO_BASE_URL).replace(/\/+$/, '')}/${path}?${query}`;
};

/**
 * The ticket in a navigation to a Garmin service URL (the end of a sign-in); undefined for
 * any other URL. Call it on every navigation of the webview and, when it returns a ticket,
 * cancel that navigation: loading the service URL would let Garmin's own app spend the ticket.
 */
export const ticketFromRedirect = (url: string | URL): ServiceTicket | undefined => {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const serviceUrl = `${parsed.origin}${parsed.pathname}`;
  const ticket = parsed.searchParams.get('ticket');
  if (!isGarminServiceUrl(serviceUrl) || !ticket || !SERVICE_TICKET_PATTERN.test(ticket)) return undefined;
  return { ticket, serviceUrl };
};
