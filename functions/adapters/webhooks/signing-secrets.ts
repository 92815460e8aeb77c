/**
 * The webhook signing secrets, one Secrets Manager secret (JSON): `current`, and after a
 * rotation the `previous` one with the end of its overlap. During the overlap every
 * delivery carries both signatures (Standard Webhooks allows several, space-separated), so
 * the app can switch its verifying secret at any moment of it without dropping a webhook.
 *
 * Secrets are base64 (the app configures `whsec_<current>`, the form the standardwebhooks
 * libraries take); the stack generates the first one, `rotate` the next ones.
 */
import { randomBytes } from 'node:crypto';
import type { SecretsApi } from '../aws/secrets-api';
import { Webhook } from 'standardwebhooks';
import * as z from '../../core/shared/zod';

const Base64Secret = z.string().check(z.regex(/^[A-Za-z0-9+/]{32,}={0,2}$/));

export const SigningSecretsDocument = z.object({
  current: Base64Secret,
  previous: z.optional(Base64Secret),
  /** ISO time until which `previous` still signs. */
  previousUntil: z.optional(z.iso.datetime()),
});
export type SigningSecretsDocument = z.infer<typeof SigningSecretsDocument>;

/** The secrets that sign at `now`: the current one, and the previous one during its overlap. */
export const signingSecrets = (doc: SigningSecretsDocument, now: Date): string[] =>
  doc.previous && doc.previousUntil && now.getTime() < Date.parse(doc.previousUntil) ? [doc.current, doc.previous] : [doc.current];

/** `webhook-signature`: one `v1,<base64>` per secret, by the standardwebhooks library. */
export const signatureHeader = (secrets: string[], id: string, timestamp: Date, payload: string): string =>
  secrets.map((secret) => new Webhook(secret).sign(id, timestamp, payload)).join(' ');

/** After a rotation the old secret keeps signing this long by default: a day for the app to switch. */
export const DEFAULT_OVERLAP_SECONDS = 24 * 3600;

/** The rotated document: a new current secret, the old one signing until `now + overlapSeconds`. */
export const rotated = (doc: SigningSecretsDocument, now: Date, overlapSeconds: number): SigningSecretsDocument => ({
  current: randomBytes(32).toString('base64'),
  previous: doc.current,
  previousUntil: new Date(now.getTime() + overlapSeconds * 1000).toISOString(),
});

export class SigningSecretsSource {
  private cached?: { doc: SigningSecretsDocument; at: number };

  /** Cached for `cacheMs` (shorter than any overlap, so a rotation reaches every container in time). */
  constructor(
    private readonly secretsManager: SecretsApi,
    private readonly secretId: string,
    private readonly cacheMs = 5 * 60_000,
  ) {}

  async load(): Promise<SigningSecretsDocument> {
    if (this.cached && Date.now() - this.cached.at < this.cacheMs) return this.cached.doc;
    const { SecretString } = await this.secretsManager.getSecretValue({ SecretId: this.secretId });
    const doc = SigningSecretsDocument.parse(JSON.parse(SecretString ?? 'null'));
    this.cached = { doc, at: Date.now() };
    return doc;
  }

  async rotate(now: Date, overlapSeconds = DEFAULT_OVERLAP_SECONDS): Promise<SigningSecretsDocument> {
    this.cached = undefined;
    const next = rotated(await this.load(), now, overlapSeconds);
    await this.secretsManager.putSecretValue({ SecretId: this.secretId, SecretString: JSON.stringify(next) });
    this.cached = undefined;
    return next;
  }
}
