/**
 * The service URLs a CAS ticket is presented to when the DI token exchange fails:
 * garminconnect's JWT_WEB fallback (client/session.py _establish_session) GETs the login's
 * service URL with `?ticket=` and reads the JWT_WEB cookie the answer sets. Under the test
 * seam those URLs are /mobile-integration/gcm/{ios,android} and /connect/app.
 */
import { json, type RouteMatch, type SimRequest } from './http';
import type { TokenAuthority } from './tokens';

export const SERVICE_PATHS = new Set(['/mobile-integration/gcm/ios', '/mobile-integration/gcm/android', '/connect/app']);

const PAGE = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Garmin Connect</title></head><body></body></html>';

export class WebSessionService {
  constructor(private readonly tokens: TokenAuthority) {}

  route(req: SimRequest): RouteMatch | undefined {
    if (req.method !== 'GET' || !SERVICE_PATHS.has(req.path)) return undefined;
    const ticket = req.query.get('ticket') ?? '';
    return {
      endpoint: 'web-ticket',
      account: this.tokens.ticketOwner(ticket),
      handle: () => {
        const jwtWeb = this.tokens.webSession(ticket);
        if (!jwtWeb) return json(401, { message: 'Invalid service ticket' });
        return { status: 200, html: PAGE, headers: { 'set-cookie': [`JWT_WEB=${jwtWeb}; Path=/; HttpOnly; SameSite=Lax`] } };
      },
    };
  }
}
