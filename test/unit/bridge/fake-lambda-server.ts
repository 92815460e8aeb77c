/**
 * A local HTTP server answering like the Lambda Invoke API, so the functions' signed
 * Invoke (functions/adapters/aws/lambda-api.ts, pointed at it with `endpoint`) is exercised
 * end to end without mocks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type LambdaApi, lambdaApi } from '../../../functions/adapters/aws/lambda-api';

export interface SeenInvoke {
  path: string;
  invocationType: string | undefined;
  /** The SigV4 Authorization header. */
  authorization: string | undefined;
  body: string;
}

export type InvokeReply =
  | { status?: number; payload: string; functionError?: string; errorType?: string; times?: number }
  /** Never answer: for timeouts. */
  | 'hang';

export interface FakeLambda {
  client: LambdaApi;
  /** A client with `maxAttempts` (the default client of an adapter retries like the SDK: 3). */
  clientWith(maxAttempts: number): LambdaApi;
  seen: SeenInvoke[];
  reply(next: InvokeReply): void;
  close(): Promise<void>;
}

export const startFakeLambda = async (): Promise<FakeLambda> => {
  const seen: SeenInvoke[] = [];
  let next: InvokeReply = { payload: '{}' };
  /** Answered `times` times, then the default 200 `{}`. */
  let left = Infinity;
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const invocationType = req.headers['x-amz-invocation-type'];
      seen.push({
        path: req.url ?? '',
        invocationType: typeof invocationType === 'string' ? invocationType : undefined,
        authorization: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      });
      if (next === 'hang') return;
      const reply = left-- > 0 ? next : { payload: '{}' };
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
      if (reply.functionError) headers['x-amz-function-error'] = reply.functionError;
      if (reply.errorType) headers['x-amzn-errortype'] = reply.errorType;
      res.writeHead(reply.status ?? 200, headers).end(reply.payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const clients: LambdaApi[] = [];
  const clientWith = (maxAttempts: number) => {
    const client = lambdaApi({
      endpoint: `http://127.0.0.1:${port}`,
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'test', secretAccessKey: 'test' }),
      maxAttempts,
    });
    clients.push(client);
    return client;
  };
  return {
    client: clientWith(1),
    clientWith,
    seen,
    reply: (reply) => {
      next = reply;
      left = reply === 'hang' ? Infinity : (reply.times ?? Infinity);
    },
    close: async () => {
      for (const client of clients) client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
