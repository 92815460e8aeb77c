/**
 * A persistent SSO block, as Cloudflare has put in front of sso.garmin.com for cloud IP
 * ranges: every SSO request (all of garminconnect's login strategies: mobile, widget,
 * portal, and MFA verification) is refused with 429 (+ Retry-After) or 403 and Cloudflare's
 * HTML error page, until `until` on the simulated clock or until lifted. API requests and
 * the DI token refresh are not SSO and keep working.
 *
 * With `accounts`, requests attributable to those accounts (credential posts, MFA codes)
 * are refused, and so are SSO pages that name no account except the mobile and portal
 * sign-in pages, which other accounts need to log in.
 *
 * With `network`, only requests from that network are refused: `cloud` is what Garmin has
 * done since March 2026, refusing password logins from cloud address ranges while the same
 * account signs in from the user's own network (http.ts, Network).
 */
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { EndpointName } from './endpoints';
import type { Network, SimResponse } from './http';

export const SsoBlockSpec = z
  .object({
    status: z.union([z.literal(429), z.literal(403)]),
    until: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'until must be an ISO date-time').optional(),
    accounts: z.array(z.string().min(1)).min(1).optional(),
    network: z.enum(['cloud', 'user']).optional(),
  })
  .strict();

export type SsoBlockSpec = z.infer<typeof SsoBlockSpec>;

interface Block {
  status: 429 | 403;
  untilMs: number | undefined;
  accounts: Set<string> | undefined;
  network: Network | undefined;
}

/** Retry-After when the block has no end. */
const INDEFINITE_RETRY_AFTER_SECONDS = 3600;

const cloudflarePage = (title: string, code: string, headline: string, ray: string) =>
  '<!DOCTYPE html><html lang="en-US"><head><meta charset="UTF-8" />' +
  `<title>${title}</title><meta name="robots" content="noindex, nofollow" /></head>` +
  '<body><div id="cf-wrapper"><div class="cf-error-overview">' +
  `<h1><span class="cf-error-type">Error</span> <span class="cf-error-code">${code}</span></h1>` +
  `<h2 class="cf-subheadline">${headline}</h2></div>` +
  '<div class="cf-error-footer"><p>Cloudflare Ray ID: <strong class="font-semibold">' +
  `${ray}</strong> &bull; Performance &amp; security by Cloudflare</p></div></div></body></html>`;

export class SsoBlock {
  private block: Block | undefined;

  set(spec: SsoBlockSpec): void {
    this.block = {
      status: spec.status,
      untilMs: spec.until === undefined ? undefined : Date.parse(spec.until),
      accounts: spec.accounts ? new Set(spec.accounts.map((a) => a.trim().toLowerCase())) : undefined,
      network: spec.network,
    };
  }

  clear(): void {
    this.block = undefined;
  }

  describe(nowMs: number): Record<string, unknown> {
    const b = this.active(nowMs);
    if (!b) return { active: false };
    return {
      active: true,
      status: b.status,
      until: b.untilMs === undefined ? null : new Date(b.untilMs).toISOString(),
      accounts: b.accounts ? [...b.accounts] : null,
      network: b.network ?? null,
    };
  }

  /** Cloudflare's refusal of an SSO request, or undefined when it may pass. */
  refuse(endpoint: EndpointName, account: string | undefined, network: Network, nowMs: number): SimResponse | undefined {
    const b = this.active(nowMs);
    if (!b || (b.network && b.network !== network)) return undefined;
    if (b.accounts && (account ? !b.accounts.has(account) : endpoint === 'sso-signin-page')) return undefined;
    const ray = `${randomBytes(8).toString('hex')}-FRA`;
    const headers: Record<string, string> = { server: 'cloudflare', 'cf-ray': ray };
    if (b.status === 403) {
      return { status: 403, headers, html: cloudflarePage('Attention Required! | Cloudflare', '1020', 'Sorry, you have been blocked', ray) };
    }
    const retryAfter = b.untilMs === undefined ? INDEFINITE_RETRY_AFTER_SECONDS : Math.max(1, Math.ceil((b.untilMs - nowMs) / 1000));
    return {
      status: 429,
      headers: { ...headers, 'retry-after': String(retryAfter) },
      html: cloudflarePage('Access denied | sso.garmin.com used Cloudflare to restrict access', '1015', 'You are being rate limited', ray),
    };
  }

  private active(nowMs: number): Block | undefined {
    if (this.block?.untilMs !== undefined && nowMs >= this.block.untilMs) return undefined;
    return this.block;
  }
}
