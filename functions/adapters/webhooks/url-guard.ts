/**
 * Where webhooks may go: deployed, only `https://` to a public address, so a configured URL
 * can never make the delivery function reach into the VPC, the instance metadata service
 * (169.254.169.254, fd00:ec2::254) or anything else not on the internet. Checked at synth
 * for the configured URL (infra/config.ts) and again before every delivery, after DNS
 * resolution, because a public name may resolve to a private address (DNS rebinding).
 * The local runtime alone may allow http://127.0.0.1 (its own receivers).
 */
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

/** Every range that is not the public internet (IANA special-purpose registries, v4 and v6). */
const NOT_PUBLIC = new BlockList();
for (const [network, prefix] of [
  ['0.0.0.0', 8], // "this network"
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // carrier-grade NAT
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local, the metadata service
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv4');
}
for (const [network, prefix] of [
  ['::', 128], // unspecified
  ['::1', 128], // loopback
  ['64:ff9b::', 96], // NAT64 (embeds IPv4)
  ['64:ff9b:1::', 48], // local NAT64
  ['100::', 64], // discard
  ['2001::', 23], // IETF protocol assignments (Teredo, ORCHID, ...)
  ['2001:db8::', 32], // documentation
  ['2002::', 16], // 6to4 (embeds IPv4)
  ['fc00::', 7], // unique local (fd00:ec2::254 is EC2's metadata service)
  ['fe80::', 10], // link-local
  ['fec0::', 10], // site-local (deprecated)
  ['ff00::', 8], // multicast
] as const) {
  NOT_PUBLIC.addSubnet(network, prefix, 'ipv6');
}

const MAPPED_V4 = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i;

/** True for an address on the public internet. */
export const isPublicAddress = (address: string): boolean => {
  const family = isIP(address);
  if (family === 0) return false;
  const mapped = MAPPED_V4.exec(address)?.[1];
  if (mapped) return isPublicAddress(mapped);
  return !NOT_PUBLIC.check(address, family === 4 ? 'ipv4' : 'ipv6');
};

export interface UrlPolicy {
  /** The local runtime's receivers: http:// to 127.0.0.1 only. Never set when deployed. */
  allowLoopback?: boolean;
}

export class WebhookUrlRefused extends Error {
  constructor(reason: string) {
    super(`webhook URL refused: ${reason}`);
    this.name = 'WebhookUrlRefused';
  }
}

const isLoopbackAllowed = (url: URL, policy: UrlPolicy): boolean =>
  policy.allowLoopback === true && url.protocol === 'http:' && url.hostname === '127.0.0.1';

/** What can be said without DNS: the scheme, no credentials, and a literal address must be public. Throws WebhookUrlRefused. */
export const checkWebhookUrl = (raw: string, policy: UrlPolicy = {}): URL => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new WebhookUrlRefused('not a URL');
  }
  if (url.username || url.password) throw new WebhookUrlRefused('credentials in the URL');
  if (isLoopbackAllowed(url, policy)) return url;
  if (url.protocol !== 'https:') throw new WebhookUrlRefused('only https:// is accepted');
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isIP(host) && !isPublicAddress(host)) throw new WebhookUrlRefused(`${host} is not a public address`);
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.internal') || host.endsWith('.local')) {
    throw new WebhookUrlRefused(`${host} is not a public name`);
  }
  return url;
};

export type Resolve = (hostname: string) => Promise<string[]>;

const resolveAll: Resolve = async (hostname) => (await lookup(hostname, { all: true, verbatim: true })).map((a) => a.address);

/**
 * The URL and the one address to connect to: every address the name resolves to must be
 * public (a name with one private address among public ones is refused), and the request
 * is then sent to the address checked here, not resolved again.
 */
export const resolveWebhookTarget = async (
  raw: string,
  policy: UrlPolicy = {},
  resolve: Resolve = resolveAll,
): Promise<{ url: URL; address: string }> => {
  const url = checkWebhookUrl(raw, policy);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (isLoopbackAllowed(url, policy)) return { url, address: host };
  const addresses = isIP(host) ? [host] : await resolve(host);
  const refused = addresses.find((address) => !isPublicAddress(address));
  if (addresses.length === 0 || refused !== undefined) {
    throw new WebhookUrlRefused(`${host} resolves to ${refused ?? 'nothing'}, not a public address`);
  }
  return { url, address: addresses[0] as string };
};
