import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { rotated, signatureHeader, signingSecrets } from '../../../functions/adapters/webhooks/signing-secrets';

const secret = () => randomBytes(32).toString('base64');

describe('signing secrets', () => {
  it('during a rotation overlap both secrets sign, and a receiver holding either verifies', () => {
    const now = new Date();
    const before = { current: secret() };
    const after = rotated(before, now, 3600);
    const secrets = signingSecrets(after, now);
    expect(secrets).toEqual([after.current, before.current]);
    const payload = JSON.stringify({ hello: 'world' });
    const headers = { 'webhook-id': 'evt_1', 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)), 'webhook-signature': signatureHeader(secrets, 'evt_1', now, payload) };
    expect(new Webhook(`whsec_${before.current}`).verify(payload, headers)).toEqual({ hello: 'world' });
    expect(new Webhook(`whsec_${after.current}`).verify(payload, headers)).toEqual({ hello: 'world' });
    expect(() => new Webhook(secret()).verify(payload, headers)).toThrow();
  });

  it('after the overlap only the new secret signs', () => {
    const now = new Date();
    const after = rotated({ current: secret() }, now, 60);
    expect(signingSecrets(after, new Date(now.getTime() + 61_000))).toEqual([after.current]);
  });
});
