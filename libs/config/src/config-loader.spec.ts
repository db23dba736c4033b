import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigValidationError, loadConfig } from './config-loader';

const SECRET = 'x'.repeat(40);

function writeYaml(text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'cfg-')), 'config.yaml');
  writeFileSync(file, text);
  return file;
}

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigValidationError');
}

describe('loadConfig', () => {
  const minimal = `database:\n  url: postgres://db/x\nauth:\n  jwtSecret: ${SECRET}\n`;

  it('fills defaults for every section not given', () => {
    const config = loadConfig({ file: writeYaml(minimal), env: {} });
    expect(config.server.port).toBe(3000);
    expect(config.redis.url).toBe('redis://127.0.0.1:6379');
    expect(config.routing.defaultStrategy).toBe('priority');
    expect(config.routing.retry.maxAttempts).toBe(3);
    expect(config.providers).toEqual([]);
  });

  it('substitutes ${VAR} and ${VAR:-default}, typing whole-value placeholders', () => {
    const file = writeYaml(
      `server:\n  port: \${P:-4000}\n  docs: \${DOCS:-false}\ndatabase:\n  url: postgres://\${DB_HOST}/app\nauth:\n  jwtSecret: \${SECRET}\n`,
    );
    const config = loadConfig({ file, env: { DB_HOST: 'pg.internal', SECRET } });
    expect(config.server.port).toBe(4000);
    expect(config.server.docs).toBe(false);
    expect(config.database.url).toBe('postgres://pg.internal/app');
    expect(config.auth.jwtSecret).toBe(SECRET);
  });

  it('treats a key whose value is an unset ${VAR} as missing and names it', () => {
    const file = writeYaml(`database:\n  url: postgres://db/x\nauth:\n  jwtSecret: \${NOT_SET}\n`);
    expect(problemsOf(() => loadConfig({ file, env: {} }))).toEqual([
      'auth.jwtSecret: must be a string; must be at least 32 characters',
    ]);
  });

  it('lets environment variables override the file', () => {
    const config = loadConfig({
      file: writeYaml(minimal),
      env: {
        PORT: '8080',
        REDIS_URL: 'redis://r:1',
        MPB__cache__enabled: 'false',
        MPB__server__corsOrigins: '["https://a"]',
      },
    });
    expect(config.server.port).toBe(8080);
    expect(config.redis.url).toBe('redis://r:1');
    expect(config.cache.enabled).toBe(false);
    expect(config.server.corsOrigins).toEqual(['https://a']);
  });

  it('rejects unknown keys, wrong types and missing sections by path, never echoing values', () => {
    const file = writeYaml(`server:\n  prot: 1\n  port: "high"\nauth:\n  jwtSecret: hunter2\n`);
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'server.prot: property prot should not exist',
        expect.stringMatching(/^server\.port: .*must be an integer number/),
        'database: section is required',
        'auth.jwtSecret: must be at least 32 characters',
      ]),
    );
    expect(problems.join('\n')).not.toContain('hunter2');
  });

  it('validates deployments: required credentials per type, unique ids, groups naming served models', () => {
    const file = writeYaml(`${minimal}providers:
  - { id: a, type: openai, models: [{ name: gpt-4o }] }
  - { id: a, type: openai, apiKey: k, models: [{ name: gpt-4o }] }
  - { id: b, type: azure, apiKey: k, models: [{ name: gpt-4o }] }
  - { id: c, type: bedrock, models: [] }
  - { id: d, type: openai, enabled: false, models: [{ name: m }] }
  - { id: e, type: vertex, apiKey: k, models: [{ name: m }] }
routing:
  groups: [{ name: smart, models: [gpt-4o, claude] }]
`);
    const problems = problemsOf(() => loadConfig({ file, env: {} }));
    expect(problems).toEqual(
      expect.arrayContaining([
        'providers.0.apiKey: is required for this provider type',
        expect.stringMatching(/^providers\.2\.endpoint: /),
        expect.stringMatching(/^providers\.2\.apiVersion: /),
        expect.stringMatching(/^providers\.3\.region: /),
        'providers.3.models: should not be empty',
        expect.stringMatching(/^providers\.5\.type: must be one of the following values/),
      ]),
    );
    expect(problems.some((p) => p.startsWith('providers.4'))).toBe(false);

    const semantic = writeYaml(`${minimal}providers:
  - { id: a, type: openai, apiKey: k, models: [{ name: gpt-4o }] }
  - { id: a, type: openai, apiKey: k, models: [{ name: gpt-4o }] }
routing:
  groups: [{ name: smart, models: [gpt-4o, claude] }]
`);
    expect(problemsOf(() => loadConfig({ file: semantic, env: {} }))).toEqual([
      'providers.1.id: duplicate deployment id "a"',
      'routing.groups.0.models.1: no enabled deployment serves model "claude"',
    ]);
  });

  it('fails clearly on a missing explicit file and on invalid YAML', () => {
    expect(problemsOf(() => loadConfig({ file: '/nonexistent/config.yaml', env: {} }))).toEqual([
      'config file /nonexistent/config.yaml: not found',
    ]);
    expect(problemsOf(() => loadConfig({ file: writeYaml('server: [unclosed'), env: {} }))[0]).toMatch(
      /invalid YAML/,
    );
  });
});
