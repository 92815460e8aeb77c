/**
 * A local HTTP server answering like the Lambda Invoke API, so the real LambdaClient
 * (pointed at it with `endpoint`) is exercised end to end without SDK mocks.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { LambdaClient } from '@aws-sdk/client-lambda';

export interface SeenInvoke {
  path: string;
  invocationType: string | undefined;
  body: string;
}

export type InvokeReply =
  | { status?: number; payload: string; functionError?: string; errorType?: string }
  /** Never answer: for timeouts. */
  | 'hang';

export interface FakeLambda {
  client: LambdaClient;
  seen: SeenInvoke[];
  reply(next: InvokeReply): void;
  close(): Promise<void>;
}

export const startFakeLambda = async (): Promise<FakeLambda> => {
  const seen: SeenInvoke[] = [];
  let next: InvokeReply = { payload: '{}' };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const invocationType = req.headers['x-amz-invocation-type'];
      seen.push({ path: req.url ?? '', invocationType: typeof invocationType === 'string' ? invocationType : undefined, body: Buffer.concat(chunks).toString() });
      if (next === 'hang') return;
      const headers: Record<string, string> = { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' };
      if (next.functionError) headers['x-amz-function-error'] = next.functionError;
      if (next.errorType) headers['x-amzn-errortype'] = next.errorType;
      res.writeHead(next.status ?? 200, headers).end(next.payload);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const client = new LambdaClient({
    endpoint: `http://127.0.0.1:${port}`,
    region: 'eu-west-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 1,
  });
  return {
    client,
    seen,
    reply: (reply) => {
      next = reply;
    },
    close: async () => {
      client.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
