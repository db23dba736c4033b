import { plainToInstance } from 'class-transformer';
import { validateSync, type ValidationError } from 'class-validator';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { AppConfig } from './schema';
import { validateSemantics } from './semantic-checks';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigValidationError';
  }
}

type Plain = Record<string, unknown>;

/** Well-known environment variables and the config key each one sets. */
const ENV_SHORTCUTS: Record<string, string> = {
  PORT: 'server.port',
  HOST: 'server.host',
  MPB_MODE: 'mode',
  MPB_DATA_DIR: 'embedded.dataDir',
  DATABASE_URL: 'database.url',
  REDIS_URL: 'redis.url',
  REDIS_KEY_PREFIX: 'redis.keyPrefix',
  JWT_SECRET: 'auth.jwtSecret',
  LOG_LEVEL: 'logging.level',
  WORKER_HEALTH_PORT: 'tasks.healthPort',
};
/** Any key can be set as MPB__section__key=value (JSON values are parsed: numbers, booleans, arrays). */
const ENV_OVERRIDE_PREFIX = 'MPB__';
const PLACEHOLDER = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}/g;

export interface LoadConfigOptions {
  /** YAML file; default CONFIG_FILE or config/config.yaml (absent file = env only) */
  file?: string;
  env?: NodeJS.ProcessEnv;
  /** extra values merged last (tests) */
  overrides?: Plain;
}

export function loadConfig(options: LoadConfigOptions = {}): AppConfig {
  const env = options.env ?? process.env;
  const file = options.file ?? env.CONFIG_FILE ?? resolve(process.cwd(), 'config/config.yaml');
  const fromFile = readYamlFile(file, options.file !== undefined || env.CONFIG_FILE !== undefined);
  const substituted = substituteEnv(fromFile, env) as Plain;
  applyEnvOverrides(substituted, env);
  if (options.overrides) deepMerge(substituted, options.overrides);
  return validateConfig(substituted);
}

/** For entrypoints: the validated config, or the list of problems on stderr and exit code 1. */
export function loadConfigOrExit(): AppConfig {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigValidationError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}

export function validateConfig(plain: Plain): AppConfig {
  const config = plainToInstance(AppConfig, plain);
  const errors = validateSync(config, { whitelist: true, forbidNonWhitelisted: true });
  const problems = errors.flatMap((e) => flattenErrors(e, ''));
  if (problems.length === 0) problems.push(...validateSemantics(config));
  if (problems.length) throw new ConfigValidationError(problems);
  return config;
}

function readYamlFile(file: string, mustExist: boolean): Plain {
  if (!existsSync(file)) {
    if (mustExist) throw new ConfigValidationError([`config file ${file}: not found`]);
    return {};
  }
  let parsed: unknown;
  try {
    parsed = parseYaml(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigValidationError([`config file ${file}: invalid YAML (${(error as Error).message})`]);
  }
  if (parsed === null || parsed === undefined) return {};
  if (typeof parsed !== 'object' || Array.isArray(parsed)) {
    throw new ConfigValidationError([`config file ${file}: must contain a mapping at the top level`]);
  }
  return parsed as Plain;
}

/** Replaces ${VAR} and ${VAR:-default} inside string values; a value that is only an unset ${VAR} is dropped. */
function substituteEnv(value: unknown, env: NodeJS.ProcessEnv): unknown {
  if (typeof value === 'string') {
    const whole = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-[^}]*)?\}$/.exec(value);
    if (whole && !whole[2] && (env[whole[1]] === undefined || env[whole[1]] === '')) return undefined;
    const replaced = value.replace(PLACEHOLDER, (_m, name: string, fallback: string | undefined) => {
      const v = env[name];
      return v !== undefined && v !== '' ? v : (fallback ?? '');
    });
    // `enabled: ${X:-false}` or `port: ${PORT:-3000}` mean a boolean or a number, not a string.
    return whole ? parseScalar(replaced) : replaced;
  }
  if (Array.isArray(value)) return value.map((v) => substituteEnv(v, env));
  if (value && typeof value === 'object') {
    const out: Plain = {};
    for (const [k, v] of Object.entries(value)) {
      const s = substituteEnv(v, env);
      if (s !== undefined) out[k] = s;
    }
    return out;
  }
  return value;
}

function applyEnvOverrides(target: Plain, env: NodeJS.ProcessEnv): void {
  for (const [name, path] of Object.entries(ENV_SHORTCUTS)) {
    const v = env[name];
    if (v !== undefined && v !== '') setPath(target, path.split('.'), parseScalar(v));
  }
  for (const [name, v] of Object.entries(env)) {
    if (!name.startsWith(ENV_OVERRIDE_PREFIX) || v === undefined) continue;
    const path = name.slice(ENV_OVERRIDE_PREFIX.length).split('__').filter(Boolean);
    if (path.length) setPath(target, path, parseScalar(v));
  }
}

function parseScalar(raw: string): unknown {
  const trimmed = raw.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed === 'true' || trimmed === 'false') return trimmed === 'true';
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      return raw;
    }
  }
  return raw;
}

function setPath(target: Plain, path: string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (!next || typeof next !== 'object' || Array.isArray(next)) node[key] = {};
    node = node[key] as Plain;
  }
  node[path[path.length - 1]] = value;
}

function deepMerge(target: Plain, source: Plain): void {
  for (const [k, v] of Object.entries(source)) {
    const existing = target[k];
    if (
      v &&
      typeof v === 'object' &&
      !Array.isArray(v) &&
      existing &&
      typeof existing === 'object' &&
      !Array.isArray(existing)
    ) {
      deepMerge(existing as Plain, v as Plain);
    } else {
      target[k] = v;
    }
  }
}

/** `providers.0.apiKey: is required...`: names the key and the problem, never the value (it may be a secret). */
function flattenErrors(error: ValidationError, parent: string): string[] {
  const path = parent ? `${parent}.${error.property}` : error.property;
  const messages = [
    ...new Set(Object.values(error.constraints ?? {}).map((m) => stripPropertyName(m, error.property))),
  ];
  const own = messages.length ? [`${path}: ${messages.reverse().join('; ')}`] : [];
  const nested = (error.children ?? []).flatMap((child) => flattenErrors(child, path));
  return [...own, ...nested];
}

function stripPropertyName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
