/**
 * A stand-in Garmin (GARMIN_BASE_URL) that holds every request until released: a call
 * sent through it is provably still running in the bridge until the test says so.
 * After release it answers 503, so a login fails promptly with UPSTREAM_UNAVAILABLE.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HoldingServer {
  url: string;
  /** Resolves when the first request arrives: the slow call is in flight. */
  firstRequest: Promise<void>;
  release(): void;
  close(): Promise<void>;
}

export const startHoldingServer = async (): Promise<HoldingServer> => {
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let arrived!: () => void;
  const firstRequest = new Promise<void>((resolve) => (arrived = resolve));
  const server = createServer((req, res) => {
    arrived();
    req.resume();
    void released.then(() => res.writeHead(503, { 'content-type': 'text/plain' }).end('unavailable'));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    firstRequest,
    release,
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
};
