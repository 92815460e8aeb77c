/**
 * An app's webhook endpoint for the demo page and the tests: node:http on 127.0.0.1, every request
 * verified with the standardwebhooks library, deduplicated on `webhook-id` as the
 * specification tells receivers to. `answer` scripts the status codes (a receiver that
 * fails, then recovers).
 */
import { type Server, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface ReceivedWebhook {
  id: string;
  /** The verified, parsed body. */
  event: { id: string; type: string; userId: string; timestamp: string; data: Record<string, unknown> };
  body: string;
  status: number;
}

export class WebhookReceiver {
  /** Every request that verified, in arrival order (retries included). */
  readonly requests: ReceivedWebhook[] = [];
  /** Requests whose signature did not verify. */
  readonly refused: string[] = [];
  /** Status for the next requests, consumed in order; then `defaultStatus`. */
  readonly answers: number[] = [];
  /** Asked first: a status for this event (deliveries of a batch arrive in any order), or undefined. */
  statusFor?: (event: ReceivedWebhook['event']) => number | undefined;
  defaultStatus = 200;
  private server?: Server;
  private verifier?: Webhook;

  /** Verifies with `secret` (`whsec_…`); set before the first request. */
  useSecret(secret: string): void {
    this.verifier = new Webhook(secret);
  }

  async start(): Promise<string> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const headers = Object.fromEntries(Object.entries(request.headers).map(([k, v]) => [k, String(v)]));
        try {
          if (!this.verifier) throw new Error('no secret');
          const event = this.verifier.verify(body, headers) as ReceivedWebhook['event'];
          const status = this.statusFor?.(event) ?? this.answers.shift() ?? this.defaultStatus;
          this.requests.push({ id: headers['webhook-id'] ?? '', event, body, status });
          response.writeHead(status).end();
        } catch (error) {
          this.refused.push(error instanceof Error ? error.message : String(error));
          response.writeHead(400).end();
        }
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/webhooks`;
  }

  /** The events accepted (2xx), each once: what an app that dedupes on webhook-id has. */
  delivered(): Array<ReceivedWebhook['event']> {
    const seen = new Set<string>();
    return this.requests.filter((r) => r.status < 300 && !seen.has(r.id) && seen.add(r.id)).map((r) => r.event);
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}
