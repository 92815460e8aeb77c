/**
 * The route table is what the functions serve: each function's handler takes exactly the routes
 * the table gives it (its own answer a caller without a token subject with 401, any other route
 * with 404), and every error code an entry lists is one that status carries.
 */
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { API_ROUTES, type ApiFunction, ROUTE_FUNCTIONS, ROUTE_KEYS, type RouteSpec } from '../../../functions/api/routes';
import { API_ERRORS } from '../../../functions/core/shared/errors';
import { handler as connect } from '../../../functions/handlers/connect';
import { handler as read } from '../../../functions/handlers/read';
import { handler as sync } from '../../../functions/handlers/sync';
import { httpEvent, lambdaContext } from '../../../scripts/local/apigw-events';

const HANDLERS: Record<ApiFunction, typeof read> = { connect, read, sync };

const codeOf = (response: APIGatewayProxyStructuredResultV2 | void): string | undefined =>
  (JSON.parse(String(response?.body)) as { error?: { code?: string } }).error?.code;

describe('the route table', () => {
  it.each(Object.keys(HANDLERS) as ApiFunction[])('%s serves exactly its routes', async (fn) => {
    for (const routeKey of ROUTE_KEYS) {
      // No `sub`: a served route is refused as unauthorized before any service or input is touched.
      const response = await HANDLERS[fn](httpEvent(routeKey), lambdaContext());
      expect([routeKey, codeOf(response)]).toEqual([routeKey, ROUTE_FUNCTIONS[routeKey] === fn ? 'UNAUTHORIZED' : 'NOT_FOUND']);
    }
  });

  it('lists each error code under the status it has', () => {
    for (const [routeKey, spec] of Object.entries(API_ROUTES) as [string, RouteSpec][]) {
      for (const [status, refusal] of Object.entries(spec.refusals)) {
        for (const code of refusal.codes) expect([routeKey, code, API_ERRORS[code]]).toEqual([routeKey, code, Number(status)]);
      }
    }
  });
});
