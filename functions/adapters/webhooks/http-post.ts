/**
 * One webhook POST to an address already checked (url-guard.ts): the connection goes to
 * that address, not to whatever the name resolves to by then, while TLS still verifies the
 * certificate for the URL's host name. No redirects are followed (a redirect could point
 * anywhere); the answer's body is drained and ignored.
 */
import http from 'node:http';
import https from 'node:https';
import { isIP } from 'node:net';

export interface PostResult {
  status: number;
}

export const postJson = (
  url: URL,
  address: string,
  headers: Record<string, string>,
  body: string,
  timeoutMs: number,
): Promise<PostResult> =>
  new Promise((resolve, reject) => {
    const family = isIP(address) === 6 ? 6 : 4;
    const request = (url.protocol === 'https:' ? https : http).request(
      url,
      {
        method: 'POST',
        headers: { ...headers, 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
        timeout: timeoutMs,
        lookup: (_hostname, options, callback) => {
          // Node asks for all addresses (autoSelectFamily) or one; both get the checked one.
          if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address, family }]);
          else callback(null, address, family);
        },
      },
      (response) => {
        response.resume();
        response.on('end', () => resolve({ status: response.statusCode ?? 0 }));
        response.on('error', reject);
      },
    );
    request.on('timeout', () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    request.on('error', reject);
    request.end(body);
  });
