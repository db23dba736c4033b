import {
  vetWebhookTarget,
  WebhookTargetRefusedError,
  type HostResolver,
  type WebhookTargetPolicy,
} from './ssrf-guard';

const strict: WebhookTargetPolicy = { allowPrivate: false, allowedHosts: [] };

/** A fake DNS: host name → addresses (none = does not resolve). */
const dns: Record<string, string[]> = {
  'metadata.internal': ['169.254.169.254'],
  'intranet.example': ['10.0.0.7'],
  'rebind.example': ['93.184.216.34', '192.168.1.10'],
  'v6-ula.example': ['fd00:ec2::254'],
  'mapped.example': ['::ffff:127.0.0.1'],
  'public.example': ['93.184.216.34', '2606:2800:220:1:248:1893:25c8:1946'],
};
const resolver: HostResolver = (host) => Promise.resolve(dns[host] ?? []);

const refused = (url: string, policy: WebhookTargetPolicy = strict) =>
  expect(vetWebhookTarget(url, policy, resolver)).rejects.toBeInstanceOf(WebhookTargetRefusedError);

describe('vetWebhookTarget (SSRF guard)', () => {
  it.each([
    ['loopback', 'http://127.0.0.1:8080/hook'],
    ['loopback, other /8 address', 'http://127.1.2.3/'],
    ['IPv6 loopback', 'http://[::1]/'],
    ['unspecified', 'http://0.0.0.0/'],
    ['10/8', 'http://10.20.30.40/'],
    ['172.16/12 start', 'http://172.16.0.1/'],
    ['172.16/12 end', 'http://172.31.255.255/'],
    ['192.168/16', 'https://192.168.0.1/'],
    ['cloud metadata', 'http://169.254.169.254/latest/meta-data'],
    ['CGNAT', 'http://100.64.0.1/'],
    ['ULA fc00::/7', 'http://[fc00::1]/'],
    ['ULA fd00::/8', 'http://[fd12:3456::1]/'],
    ['IPv6 link-local', 'http://[fe80::1]/'],
    ['IPv4-mapped loopback', 'http://[::ffff:127.0.0.1]/'],
    ['IPv4-mapped private (hex form)', 'http://[::ffff:a00:1]/'],
    ['decimal IPv4 for 127.0.0.1', 'http://2130706433/'],
    ['hex IPv4 for 127.0.0.1', 'http://0x7f.0.0.1/'],
    ['multicast', 'http://224.0.0.1/'],
    ['name resolving to metadata', 'http://metadata.internal/'],
    ['name resolving to 10/8', 'https://intranet.example/'],
    ['name resolving to a public and a private address', 'https://rebind.example/'],
    ['name resolving to ULA', 'https://v6-ula.example/'],
    ['name resolving to mapped loopback', 'https://mapped.example/'],
    ['name that does not resolve', 'https://nowhere.example/'],
  ])('refuses %s (%s)', async (_label, url) => {
    await refused(url);
  });

  it.each([
    ['ftp', 'ftp://93.184.216.34/'],
    ['file', 'file:///etc/passwd'],
    ['credentials', 'https://user:pass@public.example/'],
    ['garbage', 'not a url'],
  ])('refuses %s URLs', async (_label, url) => {
    await refused(url);
  });

  it('allows public addresses and pins the first one', async () => {
    await expect(
      vetWebhookTarget('https://public.example/hook?x=1', strict, resolver),
    ).resolves.toMatchObject({
      address: '93.184.216.34',
      family: 4,
    });
    await expect(vetWebhookTarget('http://8.8.8.8/', strict, resolver)).resolves.toMatchObject({ family: 4 });
    await expect(vetWebhookTarget('http://[2606:4700::1111]/', strict, resolver)).resolves.toMatchObject({
      address: '2606:4700::1111',
      family: 6,
    });
  });

  it('allows reserved addresses when the policy says so', async () => {
    const open = { allowPrivate: true, allowedHosts: [] };
    await expect(vetWebhookTarget('http://127.0.0.1:9000/', open, resolver)).resolves.toMatchObject({
      address: '127.0.0.1',
    });
    const byHost = { allowPrivate: false, allowedHosts: ['Intranet.Example'] };
    await expect(vetWebhookTarget('https://intranet.example/', byHost, resolver)).resolves.toMatchObject({
      address: '10.0.0.7',
    });
    const byRange = { allowPrivate: false, allowedHosts: ['127.0.0.1', '10.0.0.0/8'] };
    await expect(vetWebhookTarget('http://127.0.0.1:1/', byRange, resolver)).resolves.toBeDefined();
    await expect(vetWebhookTarget('http://intranet.example/', byRange, resolver)).resolves.toBeDefined();
    await refused('http://192.168.1.1/', byRange);
    await refused('http://metadata.internal/', byRange);
  });
});
