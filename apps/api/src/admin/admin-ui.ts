import fastifyStatic from '@fastify/static';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** Where the dashboard is served (/admin redirects to /admin/). Its JSON endpoints live under /admin/api (Nest, admin-only). */
export const ADMIN_UI_PREFIX = '/admin';

/** Strict: only our own scripts and styles, no inline code, no framing, API calls to this origin only. */
export const ADMIN_UI_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': ADMIN_UI_CSP,
  'x-frame-options': 'DENY',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cache-control': 'no-cache',
};

/**
 * The folder with the dashboard's static files, found from this file's location in both `apps/api/src/admin`
 * (ts) and `dist/apps/api/src/admin` (built): the nearest ancestor holding package.json is the repo root.
 */
export function findAdminUiRoot(start = __dirname): string | undefined {
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) {
      const root = join(dir, 'apps', 'api', 'admin-ui');
      return existsSync(join(root, 'index.html')) ? root : undefined;
    }
    if (dirname(dir) === dir) return undefined;
  }
}

function chartJsDist(): string | undefined {
  try {
    // The package's "require" entry is dist/chart.cjs; the UMD build sits next to it.
    const dir = dirname(require.resolve('chart.js'));
    return existsSync(join(dir, 'chart.umd.min.js')) ? dir : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Serves the admin dashboard's static files under /admin/ with Fastify (outside Nest's router, so no guard:
 * the pages hold no data and no secrets; every API call they make carries the admin's bearer token).
 */
export function setupAdminUi(app: NestFastifyApplication): void {
  const root = findAdminUiRoot();
  const chartDir = chartJsDist();
  if (!root || !chartDir) {
    new Logger('AdminUi').warn('admin dashboard files not found; /admin is not served');
    return;
  }
  // Not awaited (like Nest's own useStaticAssets): awaiting boots Fastify's plugin queue before Nest has
  // registered its body parsers. The plugin loads when the app starts listening.
  void app.register(async (instance: FastifyInstance) => {
    instance.addHook('onSend', async (_request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
      for (const [name, value] of Object.entries(SECURITY_HEADERS)) void reply.header(name, value);
      return payload;
    });
    await instance.register(fastifyStatic, {
      root,
      prefix: ADMIN_UI_PREFIX,
      redirect: true,
      index: ['index.html'],
      dotfiles: 'deny',
      cacheControl: false,
      etag: true,
    });
    instance.get('/admin/vendor/chart.umd.min.js', (_request, reply) =>
      reply.sendFile('chart.umd.min.js', chartDir),
    );
  }, {});
}
