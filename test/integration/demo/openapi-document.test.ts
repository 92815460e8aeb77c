/**
 * docs/openapi.json is generated from the zod schemas (npm run openapi) and committed:
 * this fails when the committed file differs from what the schemas generate today, when
 * it is not a valid OpenAPI 3.1 document, or when it does not describe exactly the route
 * table's routes (which the handlers serve and the CDK stack deploys: test/unit/api, test/infra). (A pure unit test; it lives here because
 * the demo's files are here.)
 */
import { readFileSync } from 'node:fs';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { ROUTE_KEYS } from '../../../functions/api/routes';
import { OPENAPI_FILE, buildOpenApiDocument, renderOpenApiDocument } from '../../../scripts/local/openapi';
import { OpenApiChecker } from './openapi-check';

const routeKeysOf = (doc: { paths: Record<string, Record<string, unknown>> }) =>
  Object.entries(doc.paths)
    .flatMap(([path, ops]) => Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();

describe('docs/openapi.json', () => {
  it('is what `npm run openapi` generates from the zod schemas today', () => {
    const committed = readFileSync(OPENAPI_FILE, 'utf8');
    // On failure: run `npm run openapi` and commit docs/openapi.json.
    expect(committed).toBe(renderOpenApiDocument());
  });

  it('is a valid OpenAPI 3.1 document', async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Parameters<Validator['validate']>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
  });

  it('describes exactly the routes of the route table', () => {
    const doc = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as { paths: Record<string, Record<string, unknown>> };
    expect(routeKeysOf(doc)).toEqual([...ROUTE_KEYS].sort());
  });

  it('documents a bearer JWT on every operation, the 401 of the authorizer, and Retry-After on every 429', () => {
    const doc = buildOpenApiDocument() as {
      security: unknown;
      paths: Record<string, Record<string, { responses: Record<string, { headers?: Record<string, unknown>; $ref?: string }> }>>;
    };
    expect(doc.security).toEqual([{ bearerJwt: [] }]);
    for (const [path, ops] of Object.entries(doc.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        expect(op.responses['401'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/Unauthorized' });
        expect(op.responses['500'], `${method} ${path}`).toBeDefined();
        if (op.responses['429']) expect(op.responses['429'].headers?.['Retry-After'], `${method} ${path}`).toBeDefined();
        // The gateway's own refusals: request line + headers over its quota, and (with a body) the payload quota.
        expect(op.responses['431'], `${method} ${path}`).toEqual({ $ref: '#/components/responses/RequestHeadersTooLarge' });
        const hasBody = (op as { requestBody?: unknown }).requestBody !== undefined;
        expect(op.responses['413'], `${method} ${path}`).toEqual(hasBody ? { $ref: '#/components/responses/PayloadTooLarge' } : undefined);
      }
    }
  });

  it('is strict enough to catch a drifting answer (the checker the demo tests use)', () => {
    const checker = new OpenApiChecker(buildOpenApiDocument());
    const json = (status: number, body: unknown, headers: Record<string, string> = {}) => ({
      status,
      body,
      text: JSON.stringify(body),
      headers: new Headers({ 'content-type': 'application/json', ...headers }),
    });
    const attempt = { attemptId: '6f1c1f9e-1d6b-4f57-9a51-0d5e1f1d2c3b', status: 'pending' };
    const at = '/garmin/connection/attempts/{attemptId}';
    expect(() => checker.check('GET', at, json(200, attempt))).not.toThrow();
    expect(() => checker.check('GET', at, json(200, { ...attempt, extra: 1 }))).toThrow(/does not match/);
    expect(() => checker.check('GET', at, json(200, { ...attempt, status: 'done' }))).toThrow(/does not match/);
    expect(() => checker.check('GET', at, json(200, { ...attempt, attemptId: 'x' }))).toThrow(/does not match/);
    expect(() => checker.check('GET', '/garmin/connection', json(200, { connection: { status: 'active' } }))).toThrow(/does not match/);
    expect(() => checker.check('GET', '/garmin/connection', json(418, {}))).toThrow(/not documented/);
    expect(() => checker.check('GET', '/garmin/profile', json(401, { message: 'Unauthorized' }))).not.toThrow();
    expect(() => checker.check('GET', '/garmin/profile', json(401, { message: 'Nope' }))).toThrow(/does not match/);
    expect(() => checker.check('POST', '/garmin/sync', json(429, { error: { code: 'RATE_LIMITED', message: 'later' } }))).toThrow(/Retry-After/i);
    expect(() =>
      checker.check('POST', '/garmin/sync', json(429, { error: { code: 'RATE_LIMITED', message: 'later' } }, { 'retry-after': '30' })),
    ).not.toThrow();
    expect(() => checker.check('POST', '/garmin/sync', json(404, { error: { code: 'GARMIN_MFA_INVALID', message: 'x' } }))).toThrow(/does not match/);
  });
});
