import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export interface WebhookTargetPolicy {
  /** Deliver to reserved addresses too (development). */
  allowPrivate: boolean;
  /** Host names (exact, case-insensitive) or IPs/CIDRs allowed although reserved. */
  allowedHosts: readonly string[];
}

/** Every address a host name resolves to (A and AAAA, as the OS resolver answers). */
export type HostResolver = (hostname: string) => Promise<string[]>;

/** Where a webhook may go: the URL and the one vetted address the connection is pinned to. */
export interface VettedTarget {
  url: URL;
  address: string;
  family: 4 | 6;
}

export class WebhookTargetRefusedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'WebhookTargetRefusedError';
  }
}

/** Loopback, private, link-local (cloud metadata at 169.254.169.254), CGNAT, documentation, multicast... */
const RESERVED_V4 = [
  '0.0.0.0/8',
  '10.0.0.0/8',
  '100.64.0.0/10',
  '127.0.0.0/8',
  '169.254.0.0/16',
  '172.16.0.0/12',
  '192.0.0.0/24',
  '192.0.2.0/24',
  '192.88.99.0/24',
  '192.168.0.0/16',
  '198.18.0.0/15',
  '198.51.100.0/24',
  '203.0.113.0/24',
  '224.0.0.0/4',
  '240.0.0.0/4',
];
/** Unspecified, loopback and IPv4-compatible (::/96), NAT64 and tunnels that embed IPv4, ULA, link-local... */
const RESERVED_V6 = [
  '::/96',
  '64:ff9b::/96',
  '64:ff9b:1::/48',
  '100::/64',
  '2001::/32',
  '2001:db8::/32',
  '2002::/16',
  'fc00::/7',
  'fe80::/10',
  'fec0::/10',
  'ff00::/8',
];

const RESERVED = cidrList([...RESERVED_V4, ...RESERVED_V6]);

export const systemResolver: HostResolver = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address);

/**
 * Checks a webhook URL before anything is sent: http(s) only, no credentials, and every address the host
 * resolves to must be public unless the policy allows it. The caller connects to the returned address
 * (not to a second lookup), so DNS cannot swap in a private address afterwards.
 * @throws WebhookTargetRefusedError with the reason
 */
export async function vetWebhookTarget(
  rawUrl: string,
  policy: WebhookTargetPolicy,
  resolve: HostResolver = systemResolver,
): Promise<VettedTarget> {
  const url = parseUrl(rawUrl);
  const hostname = url.hostname.replace(/^\[|\]$/g, '');
  const literal = normaliseAddress(hostname);
  let addresses: string[];
  if (literal) {
    addresses = [hostname];
  } else {
    addresses = await resolve(hostname).catch(() => []);
    if (addresses.length === 0) throw new WebhookTargetRefusedError(`host ${hostname} does not resolve`);
  }
  const hostAllowed = policy.allowPrivate || allowedHostNames(policy).has(hostname.toLowerCase());
  const allowedRanges = cidrList(policy.allowedHosts.filter(isAddressOrCidr));
  const vetted = addresses.map((address) => {
    const normalised = normaliseAddress(address);
    if (!normalised) throw new WebhookTargetRefusedError(`host ${hostname} resolves to an unusable address`);
    const permitted =
      hostAllowed ||
      !isReserved(normalised) ||
      allowedRanges.check(normalised.address, normalised.family === 4 ? 'ipv4' : 'ipv6');
    if (!permitted) {
      throw new WebhookTargetRefusedError(
        `${hostname} resolves to a private, loopback, link-local or reserved address (${normalised.address})`,
      );
    }
    return normalised;
  });
  return { url, ...vetted[0] };
}

export function isReservedAddress(address: string): boolean {
  const normalised = normaliseAddress(address);
  return !normalised || isReserved(normalised);
}

function isReserved(address: { address: string; family: 4 | 6 }): boolean {
  return RESERVED.check(address.address, address.family === 4 ? 'ipv4' : 'ipv6');
}

function parseUrl(rawUrl: string): URL {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new WebhookTargetRefusedError('not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new WebhookTargetRefusedError('only http and https URLs are allowed');
  }
  if (url.username || url.password)
    throw new WebhookTargetRefusedError('credentials in the URL are not allowed');
  return url;
}

/**
 * An IP literal in one canonical form; IPv4-mapped IPv6 (`::ffff:10.0.0.1`, `::ffff:a00:1`) becomes the IPv4
 * address it carries, so it meets the IPv4 rules. undefined when not an IP.
 */
function normaliseAddress(address: string): { address: string; family: 4 | 6 } | undefined {
  const bare = address.replace(/^\[|\]$/g, '');
  const family = isIP(bare);
  if (family === 4) return { address: bare, family: 4 };
  if (family !== 6) return undefined;
  let canonical: string;
  try {
    canonical = new URL(`http://[${bare}]/`).hostname.slice(1, -1);
  } catch {
    return undefined;
  }
  const mapped = /^::ffff:([0-9a-f]{1,4}):([0-9a-f]{1,4})$/.exec(canonical);
  if (!mapped) return { address: canonical, family: 6 };
  const high = parseInt(mapped[1], 16);
  const low = parseInt(mapped[2], 16);
  return { address: `${high >> 8}.${high & 255}.${low >> 8}.${low & 255}`, family: 4 };
}

function isAddressOrCidr(entry: string): boolean {
  const [address, prefix] = entry.split('/');
  return isIP(address) !== 0 && (prefix === undefined || /^\d{1,3}$/.test(prefix));
}

function allowedHostNames(policy: WebhookTargetPolicy): Set<string> {
  return new Set(policy.allowedHosts.filter((entry) => !isAddressOrCidr(entry)).map((h) => h.toLowerCase()));
}

function cidrList(entries: readonly string[]): BlockList {
  const list = new BlockList();
  for (const entry of entries) {
    const [address, prefix] = entry.split('/');
    const type = isIP(address) === 4 ? 'ipv4' : 'ipv6';
    if (prefix === undefined) list.addAddress(address, type);
    else list.addSubnet(address, Number(prefix), type);
  }
  return list;
}
