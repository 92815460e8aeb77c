import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { bridgeJsonSchema, bridgeSchemas } from '../../../../functions/core/shared/bridge-protocol';
import { BRIDGE_SCHEMA_PATH, renderBridgeSchema } from '../../../../scripts/bridge-schema';

describe('bridge protocol schema', () => {
  it('is committed exactly as the zod definitions export it (run `npm run schema:export`)', () => {
    expect(readFileSync(BRIDGE_SCHEMA_PATH, 'utf8')).toBe(renderBridgeSchema(bridgeJsonSchema()));
  });

  it('refuses impossible dates and unknown fields before anything is sent', () => {
    const { BridgeRequest } = bridgeSchemas();
    const base = { op: 'fetch', tokens: '{"di_token":"x"}' };
    expect(BridgeRequest.safeParse({ ...base, activities: { startDate: '2026-02-30' } }).success).toBe(false);
    expect(BridgeRequest.safeParse({ ...base, surprise: true }).success).toBe(false);
    expect(BridgeRequest.safeParse({ ...base, activities: { startDate: '2028-02-29' } }).success).toBe(true);
  });
});
