/**
 * The demo's "Sign in on Garmin's page" (local only, with the simulator): the device path of
 * packages/garmin-device-signin, run in the user's browser against the simulator's
 * user's-network address.
 *
 *   GET /demo/garmin-sign-in   302 to Garmin's (the simulator's) sign-in page, from
 *                              `signInUrl`; first asks the simulator to hand the final
 *                              redirect to /demo/garmin-return, standing in for an app's
 *                              webview that intercepts the navigation to the service URL
 *   GET /demo/garmin-return?url=<service URL with ?ticket=>
 *                              `ticketFromRedirect`, then 302 to the page with the ticket in
 *                              the fragment (never sent to a server, never in a log or a
 *                              Referer); the page posts it to POST /garmin/connection
 *
 * A browser page cannot do this against the real Garmin (it cannot watch another site's
 * navigations): that takes a webview or a native app (the package's README).
 */
import { signInUrl, ticketFromRedirect } from '../../packages/garmin-device-signin/src/browser';
import { SimulatorClient } from '../../test/support/simulator-client';

export interface LocalAnswer {
  status: number;
  headers: Record<string, string>;
  body?: string;
}

const redirect = (location: string): LocalAnswer => ({ status: 302, headers: { location, 'cache-control': 'no-store' } });

export const deviceSignInRoutes = (simulatorUrl: string, serverUrl: () => string) => {
  const sim = new SimulatorClient(simulatorUrl);
  return {
    start: async (): Promise<LocalAnswer> => {
      await sim.redirectTickets(`${serverUrl()}/demo/garmin-return`);
      return redirect(signInUrl({ ssoBaseUrl: `${sim.userUrl}/sso` }));
    },
    finish: (url: URL): LocalAnswer => {
      const signedIn = ticketFromRedirect(url.searchParams.get('url') ?? '');
      if (!signedIn) {
        return {
          status: 400,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ error: { code: 'VALIDATION_ERROR', message: 'url: not a Garmin service URL with a ticket' } }),
        };
      }
      return redirect(`/#${new URLSearchParams({ ticket: signedIn.ticket, serviceUrl: signedIn.serviceUrl })}`);
    },
  };
};
