/** Connect function: connect (password, token import or service ticket), attempts, MFA codes, what to sync, disconnect. */
import type { ConnectServices } from '../core/services';
import type { ConnectOutcome } from '../core/connect/connect-service';
import { type HttpResult, type RouteHandlers, httpHandler } from './commons/http';
import { connectServicesFromEnvironment } from './commons/runtime';

const answer = (outcome: ConnectOutcome): HttpResult => ({ status: outcome.status === 'connected' ? 201 : 202, body: outcome });

export const connectRoutes = (services: () => ConnectServices): RouteHandlers<'connect'> => ({
  'POST /garmin/connection': async ({ userId, body: input }) => {
    const { connect } = services();
    if ('ticket' in input) return answer(await connect.exchangeTicket(userId, input));
    return answer('tokens' in input ? await connect.importTokens(userId, input) : await connect.connectWithPassword(userId, input));
  },
  'GET /garmin/connection/attempts/{attemptId}': async ({ userId, path: { attemptId } }) => {
    const attempt = await services().connect.getAttempt(userId, attemptId);
    return {
      status: 200,
      body: { attemptId, status: attempt.status, ...(attempt.error ? { error: attempt.error } : {}) },
    };
  },
  'POST /garmin/connection/attempts/{attemptId}/mfa': async ({ userId, path: { attemptId }, body: { code } }) =>
    answer(await services().connect.submitMfaCode(userId, attemptId, code)),
  'PATCH /garmin/connection': async ({ userId, body: { dataTypes } }) => ({
    status: 200,
    body: { connection: await services().connection.selectDataTypes(userId, dataTypes) },
  }),
  'DELETE /garmin/connection': async ({ userId }) => {
    await services().connection.disconnect(userId);
    return { status: 204 };
  },
});

export const handler = httpHandler('connect', connectRoutes(connectServicesFromEnvironment), () => connectServicesFromEnvironment().throttle);
