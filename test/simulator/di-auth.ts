/**
 * The DI OAuth2 token endpoint (diauth.garmin.com, served under /diauth): service ticket
 * exchange and refresh-token rotation, form-encoded.
 */
import { basicClientId, formBody, json, type RouteMatch, type SimRequest, type SimResponse } from './http';
import type { Grant, TokenAuthority } from './tokens';

const TOKEN_PATH = '/diauth/di-oauth2-service/oauth/token';
const SERVICE_TICKET_GRANT = 'https://connectapi.garmin.com/di-oauth2-service/oauth/grant/service_ticket';

const oauthError = (status: number, error: string, description: string) => json(status, { error, error_description: description });

export class DiAuthService {
  constructor(private readonly tokens: TokenAuthority) {}

  route(req: SimRequest): RouteMatch | undefined {
    if (!req.path.startsWith('/diauth/')) return undefined;
    if (req.method !== 'POST' || req.path !== TOKEN_PATH) {
      return { endpoint: 'other', account: undefined, handle: () => json(404, { message: 'Not found' }) };
    }
    const form = formBody(req);
    if (form.get('grant_type') === 'refresh_token') {
      const refreshToken = form.get('refresh_token') ?? '';
      return {
        endpoint: 'token-refresh',
        account: this.tokens.refreshOwner(refreshToken),
        handle: () => this.grant(req, form, (clientId) => this.tokens.rotate(refreshToken, clientId)),
      };
    }
    const ticket = form.get('service_ticket') ?? '';
    return {
      endpoint: 'token-exchange',
      account: this.tokens.ticketOwner(ticket),
      handle: () => {
        if (form.get('grant_type') !== SERVICE_TICKET_GRANT) return oauthError(400, 'unsupported_grant_type', 'Unsupported grant_type');
        return this.grant(req, form, (clientId) => this.tokens.exchangeTicket(ticket, clientId, form.get('service_url') ?? ''));
      },
    };
  }

  private grant(req: SimRequest, form: URLSearchParams, run: (clientId: string) => Grant): SimResponse {
    // The library sends the client id both as Basic auth and in the form; either will do.
    const basic = basicClientId(req);
    const formClientId = form.get('client_id') || undefined;
    const clientId = basic ?? formClientId;
    if (!clientId || (basic && formClientId && basic !== formClientId)) {
      return oauthError(401, 'invalid_client', 'Client authentication failed');
    }
    const result = run(clientId);
    return result.ok ? json(200, result.tokens) : oauthError(400, result.error, result.description);
  }
}
