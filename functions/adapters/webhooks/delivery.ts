/**
 * Delivering one event to the app's endpoint per Standard Webhooks: the event JSON as the
 * body, `webhook-id` = the event id (the same on every retry, so the receiver dedupes),
 * `webhook-timestamp` = this attempt, `webhook-signature` by the standardwebhooks library
 * with each signing secret. Only a 2xx counts as delivered.
 */
import type { AppEvent } from '../../core/events/schema';
import { postJson } from './http-post';
import { type SigningSecretsDocument, signatureHeader, signingSecrets } from './signing-secrets';
import { type Resolve, type UrlPolicy, resolveWebhookTarget } from './url-guard';

export const WEBHOOK_RETRY = {
  /** A failing event is retried at least this long after it happened, then dead-lettered. */
  windowSeconds: 24 * 3600,
  /** Backoff between attempts: doubling from the first, capped (SQS visibility: at most 12 h). */
  firstDelaySeconds: 30,
  maxDelaySeconds: 3600,
  /** Receives after which SQS itself dead-letters a message, a backstop for a delivery that crashes (~30 attempts fill the window). */
  maxReceiveCount: 60,
  /** An endpoint that takes longer has failed this attempt. */
  requestTimeoutMs: 10_000,
} as const;

/** Seconds before attempt `receiveCount + 1`. */
export const retryDelaySeconds = (receiveCount: number): number =>
  Math.min(WEBHOOK_RETRY.maxDelaySeconds, WEBHOOK_RETRY.firstDelaySeconds * 2 ** Math.max(0, receiveCount - 1));

export interface DeliveryTarget {
  endpoint: string;
  urlPolicy: UrlPolicy;
  secrets: () => Promise<SigningSecretsDocument>;
  /** The receiver checks `webhook-timestamp` against its own clock (replay tolerance): always the real time. */
  wallClock: () => Date;
  resolve?: Resolve;
}

export type DeliveryOutcome = { delivered: true; status: number } | { delivered: false; reason: string };

export const deliverEvent = async (target: DeliveryTarget, event: AppEvent): Promise<DeliveryOutcome> => {
  const payload = JSON.stringify(event);
  try {
    const { url, address } = await resolveWebhookTarget(target.endpoint, target.urlPolicy, target.resolve);
    const now = target.wallClock();
    const headers = {
      'webhook-id': event.id,
      'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
      'webhook-signature': signatureHeader(signingSecrets(await target.secrets(), now), event.id, now, payload),
      'user-agent': 'garmin-sync-webhooks/1',
    };
    const { status } = await postJson(url, address, headers, payload, WEBHOOK_RETRY.requestTimeoutMs);
    return status >= 200 && status < 300 ? { delivered: true, status } : { delivered: false, reason: `HTTP ${status}` };
  } catch (error) {
    return { delivered: false, reason: error instanceof Error ? error.message : String(error) };
  }
};
