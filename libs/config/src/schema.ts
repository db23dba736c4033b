import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
  IsEmail,
  IsIn,
  IsInt,
  IsNumber,
  IsOptional,
  IsString,
  IsUrl,
  Max,
  Min,
  MinLength,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

export const PROVIDER_TYPES = ['openai', 'azure', 'anthropic', 'bedrock', 'openai-compatible'] as const;
export type ProviderType = (typeof PROVIDER_TYPES)[number];

export const ROUTING_STRATEGIES = [
  'priority',
  'round-robin',
  'random',
  'weighted',
  'least-latency',
  'least-busy',
] as const;
export type RoutingStrategy = (typeof ROUTING_STRATEGIES)[number];

const URL_OPTIONS = { require_tld: false, require_protocol: true };

/**
 * `full`: PostgreSQL and Redis servers, any number of api and worker processes. `embedded`: one process
 * (api + worker) with an in-process PostgreSQL (PGlite) and no Redis: for trying the gateway out.
 */
export const RUN_MODES = ['full', 'embedded'] as const;
export type RunMode = (typeof RUN_MODES)[number];

export class EmbeddedConfig {
  /** PGlite's data folder (created when missing; survives restarts). */
  @IsString() @MinLength(1) dataDir = './.data/embedded';
}

export class ServerConfig {
  @IsInt() @Min(0) @Max(65535) port = 3000;
  @IsString() host = '0.0.0.0';
  @IsArray() @IsString({ each: true }) corsOrigins: string[] = [];
  @IsInt() @Min(1024) bodyLimitBytes = 1_048_576;
  @IsInt() @Min(0) shutdownTimeoutMs = 10_000;
  @IsBoolean() docs = true;
  /** A `: keep-alive` comment goes out on a stream after this much silence, so proxies keep it (0 = never). */
  @IsInt() @Min(0) streamHeartbeatMs = 15_000;
  /**
   * api processes sharing the port (node:cluster): one event loop per process. `auto` = one per CPU the
   * process may use. 1 = no cluster (one process, as in the tests).
   */
  @ValidateIf((_: unknown, value: unknown) => value !== 'auto')
  @IsInt()
  @Min(1)
  @Max(256)
  processes: number | 'auto' = 1;
}

export class LoggingConfig {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) level = 'info';
}

export class DatabaseConfig {
  @IsString() @MinLength(1) url!: string;
  @IsBoolean() migrationsRun = true;
  @IsInt() @Min(1) poolSize = 10;
  @IsInt() @Min(100) connectTimeoutMs = 5_000;
  /**
   * A query without an answer for this long fails (0 = wait forever): a hung server or a partition without
   * resets must not hold requests forever. Also bounds migrations the api runs at start-up; `npm run
   * migrate` has no bound.
   */
  @IsInt() @Min(0) queryTimeoutMs = 30_000;
}

export class RedisConfig {
  @IsString() @MinLength(1) url = 'redis://127.0.0.1:6379';
  @IsString() keyPrefix = 'mpb:';
  @IsInt() @Min(100) connectTimeoutMs = 5_000;
}

/** Per-caller limits for one role; 0 means unlimited. */
export class RoleLimitsConfig {
  /** Requests per minute (every authenticated route). */
  @IsInt() @Min(0) rpm = 0;
  /** Tokens per minute and per UTC day, counted from the usage each chat call reports. */
  @IsInt() @Min(0) tpm = 0;
  @IsInt() @Min(0) tpd = 0;
}

export class UserLimitsConfig extends RoleLimitsConfig {
  override rpm = 120;
  override tpm = 200_000;
  override tpd = 5_000_000;
}

export class AdminLimitsConfig extends RoleLimitsConfig {
  override rpm = 1_200;
}

export class CallerLimitsConfig {
  @ValidateNested() @Type(() => UserLimitsConfig) user = new UserLimitsConfig();
  @ValidateNested() @Type(() => AdminLimitsConfig) admin = new AdminLimitsConfig();
  /** Requests per minute per client IP on public routes (sign-in, refresh); 0 = unlimited. */
  @IsInt() @Min(0) publicRpm = 60;
  /** Admit requests when Redis cannot answer (a Redis blip must not fail every call); sign-in stays closed. */
  @IsBoolean() failOpen = true;
  /**
   * Let a caller far from its limits (a tenth of each below) through on Redis's last answer instead of
   * waiting for this request's count (still sent); false: every request waits for Redis.
   */
  @IsBoolean() admitOnEstimate = true;
}

/** Failed sign-ins lock an account (by email, existing or not) and a client IP with exponential backoff. */
export class LoginLockoutConfig {
  /** Failures before an email is locked; each further failure doubles the lock. */
  @IsInt() @Min(1) accountThreshold = 5;
  /** Failures from one IP (any email) before it is locked. */
  @IsInt() @Min(1) ipThreshold = 20;
  @IsInt() @Min(1) baseDelayMs = 1_000;
  @IsInt() @Min(1) maxDelayMs = 900_000;
  /** Failures are forgotten this long after the last one. */
  @IsInt() @Min(1_000) windowMs = 900_000;
}

const bootstrapAdminConfigured = (a: AuthConfig): boolean =>
  a.bootstrapAdminEmail !== undefined || a.bootstrapAdminPassword !== undefined;

export class AuthConfig {
  @IsString() @MinLength(32, { message: 'must be at least 32 characters' }) jwtSecret!: string;
  /** `kid` header of issued access tokens; tokens with another kid are rejected. */
  @IsString() @MinLength(1) jwtKeyId = 'k1';
  @IsString() issuer = 'manus-platform-backend';
  @IsString() audience = 'manus-platform';
  @IsInt() @Min(30) accessTokenTtlSeconds = 900;
  @IsInt() @Min(60) refreshTokenTtlSeconds = 2_592_000;
  /** First admin, created at api start-up when no user has this email (never changed afterwards). */
  @ValidateIf(bootstrapAdminConfigured)
  @IsEmail({}, { message: 'must be an email address (required with bootstrapAdminPassword)' })
  bootstrapAdminEmail?: string;
  @ValidateIf(bootstrapAdminConfigured)
  @IsString({ message: 'is required with bootstrapAdminEmail' })
  @MinLength(12, { message: 'must be at least 12 characters' })
  bootstrapAdminPassword?: string;
  /** How long a verified API key is trusted from memory: revocation takes effect within this bound. */
  @IsInt() @Min(0) apiKeyCacheTtlMs = 5_000;
  /** api_keys.last_used_at is written in batches at this interval, off the request path. */
  @IsInt() @Min(100) apiKeyLastUsedFlushMs = 30_000;
  @ValidateNested() @Type(() => LoginLockoutConfig) loginLockout = new LoginLockoutConfig();
  @ValidateNested() @Type(() => CallerLimitsConfig) limits = new CallerLimitsConfig();
}

/** One public model name a deployment serves, and the vendor's id for it. */
export class DeploymentModelConfig {
  @IsString() @MinLength(1) name!: string;
  /** The vendor's model id (Bedrock model id, Azure deployment name...). Defaults to `name`. */
  @IsOptional() @IsString() @MinLength(1) model?: string;
  @IsOptional() @IsInt() @Min(1) maxOutputTokens?: number;
  @IsOptional() @IsInt() @Min(1) contextWindow?: number;
}

export class DeploymentConfig {
  @IsString() @MinLength(1) id!: string;
  @IsIn(PROVIDER_TYPES as unknown as string[]) type!: ProviderType;
  @IsBoolean() enabled = true;

  @ValidateIf((d: DeploymentConfig) => d.enabled && d.type !== 'bedrock' && !d.azureAdToken)
  @IsString({ message: 'is required for this provider type' })
  @MinLength(1, { message: 'is required for this provider type' })
  apiKey?: string;

  @ValidateIf((d: DeploymentConfig) => d.type === 'openai-compatible' || d.baseUrl !== undefined)
  @IsUrl(URL_OPTIONS)
  baseUrl?: string;

  /** Azure OpenAI resource endpoint, e.g. https://my-resource.openai.azure.com */
  @ValidateIf((d: DeploymentConfig) => d.type === 'azure')
  @IsUrl(URL_OPTIONS)
  endpoint?: string;
  @ValidateIf((d: DeploymentConfig) => d.type === 'azure')
  @IsString()
  apiVersion?: string;
  /** Azure: use Entra ID (DefaultAzureCredential-style token) instead of an api key. */
  @IsOptional() @IsBoolean() azureAdToken?: boolean;

  /** Bedrock */
  @ValidateIf((d: DeploymentConfig) => d.type === 'bedrock')
  @IsString()
  region?: string;
  @IsOptional() @IsString() accessKeyId?: string;
  @IsOptional() @IsString() secretAccessKey?: string;
  @IsOptional() @IsString() sessionToken?: string;

  @IsArray()
  @ArrayNotEmpty()
  @ValidateNested({ each: true })
  @Type(() => DeploymentModelConfig)
  models!: DeploymentModelConfig[];

  /** Lower is tried first by the priority strategy. */
  @IsInt() @Min(0) priority = 0;
  @IsNumber() @Min(0) weight = 1;
  @IsInt() @Min(100) timeoutMs = 60_000;
  @IsInt() @Min(0) @Max(10) maxRetries = 1;
  /** Requests and tokens per minute this deployment may take (0 = unlimited). */
  @IsInt() @Min(0) rpm = 0;
  @IsInt() @Min(0) tpm = 0;
  /** Send periodic health probes (off by default: probes cost money on paid vendors). */
  @IsBoolean() probe = false;
}

export class ModelGroupConfig {
  @IsString() @MinLength(1) name!: string;
  @IsOptional() @IsIn(ROUTING_STRATEGIES as unknown as string[]) strategy?: RoutingStrategy;
  /** Public model names (served by deployments) that make up this group, in fallback order. */
  @IsArray() @ArrayNotEmpty() @IsString({ each: true }) models!: string[];
}

export class RetryConfig {
  @IsInt() @Min(1) @Max(10) maxAttempts = 3;
  @IsInt() @Min(0) baseDelayMs = 100;
  @IsInt() @Min(0) maxDelayMs = 2_000;
  /** Retries may be at most this fraction of recent requests (retry budget). */
  @IsNumber() @Min(0) @Max(1) budgetRatio = 0.2;
  /** Always allow this many retries per second, whatever the ratio. */
  @IsInt() @Min(0) budgetMinPerSecond = 5;
}

export class BreakerConfig {
  @IsInt() @Min(1) failureThreshold = 5;
  @IsInt() @Min(100) cooldownMs = 30_000;
  @IsNumber() @Min(0) @Max(1) errorRateThreshold = 0.5;
  @IsInt() @Min(1) minRequests = 20;
  @IsInt() @Min(1_000) windowMs = 60_000;
}

export class RoutingConfig {
  @IsIn(ROUTING_STRATEGIES as unknown as string[]) defaultStrategy: RoutingStrategy = 'priority';
  @IsArray() @ValidateNested({ each: true }) @Type(() => ModelGroupConfig) groups: ModelGroupConfig[] = [];
  @ValidateNested() @Type(() => RetryConfig) retry = new RetryConfig();
  @ValidateNested() @Type(() => BreakerConfig) breaker = new BreakerConfig();
  /** Overall deadline for one request across every attempt; a caller may ask for less, never more. */
  @IsInt() @Min(100) requestTimeoutMs = 120_000;
  /** The model for requests that name none (the legacy completions route); default: the first one served. */
  @IsOptional() @IsString() @MinLength(1) defaultModel?: string;
  @IsInt() @Min(0) healthProbeIntervalMs = 30_000;
}

export class CacheConfig {
  @IsBoolean() enabled = true;
  @IsInt() @Min(1) ttlSeconds = 3_600;
  @IsInt() @Min(1) maxEntryBytes = 262_144;
  @IsBoolean() cacheStreams = false;
  /** A lookup slower than this counts as a miss, so a struggling Redis never slows a request down much. */
  @IsInt() @Min(1) lookupTimeoutMs = 100;
}

/** Webhooks of finished tasks: signed POSTs to the caller's URL, retried with exponential backoff. */
export class TaskWebhooksConfig {
  /** Deliver to loopback, private, link-local (cloud metadata) and ULA addresses too: development only. */
  @IsBoolean() allowPrivate = false;
  /** Host names (exact) or IPs/CIDRs that may be delivered to even though they are private. */
  @IsArray() @IsString({ each: true }) allowedHosts: string[] = [];
  /** Each task's signing secret is derived from this key (default: derived from auth.jwtSecret). */
  @IsOptional() @IsString() @MinLength(32, { message: 'must be at least 32 characters' }) signingKey?: string;
  @IsInt() @Min(1) maxAttempts = 8;
  /** First retry delay; doubles on every further attempt. */
  @IsInt() @Min(10) backoffMs = 2_000;
  @IsInt() @Min(100) timeoutMs = 10_000;
}

export class TasksConfig {
  /** Jobs one worker process runs at once. */
  @IsInt() @Min(1) concurrency = 4;
  /** Runs of a task before a retryable failure becomes final. */
  @IsInt() @Min(1) maxAttempts = 3;
  /** Delay before the first retry; doubles on every further attempt. */
  @IsInt() @Min(0) backoffMs = 1_000;
  @IsInt() @Min(0) healthPort = 3001;
  /** A job's lock, renewed at half this while it runs: a killed worker's jobs move on after it expires. */
  @IsInt() @Min(500) lockDurationMs = 30_000;
  /** How often workers look for jobs whose lock expired (a killed worker's) and put them back. */
  @IsInt() @Min(100) stalledIntervalMs = 30_000;
  /** Times a job may be put back after its worker died before it fails as poison. */
  @IsInt() @Min(0) maxStalledCount = 2;
  /** Running tasks' heartbeat in PostgreSQL, which also notices cancellations the Redis signal missed. */
  @IsInt() @Min(100) heartbeatIntervalMs = 2_000;
  /** The reconciler's period: it re-enqueues tasks whose job is missing (crash before enqueue, Redis lost). */
  @IsInt() @Min(100) reconcileIntervalMs = 15_000;
  /** A queued task untouched, or a running task without heartbeat, for this long is checked by the reconciler. */
  @IsInt() @Min(1_000) staleAfterMs = 60_000;
  /** batch tasks: requests in flight at once (a task may ask for fewer), and requests per task. */
  @IsInt() @Min(1) batchMaxConcurrency = 8;
  @IsInt() @Min(1) batchMaxItems = 1_000;
  /** chain tasks: steps per task. */
  @IsInt() @Min(1) chainMaxSteps = 20;
  @ValidateNested() @Type(() => TaskWebhooksConfig) webhooks = new TaskWebhooksConfig();
}

/** Price of one model in USD per million tokens; `deployment` narrows it to one deployment (overrides). */
export class AnalyticsPriceConfig {
  /** A public model name (providers[].models[].name) or a vendor model id. */
  @IsString() @MinLength(1) model!: string;
  @IsOptional() @IsString() @MinLength(1) deployment?: string;
  @IsNumber() @Min(0) inputPerMillion!: number;
  @IsNumber() @Min(0) outputPerMillion!: number;
}

/** Usage events are buffered in memory and pushed to Redis in batches, never one per request. */
export class AnalyticsIngestConfig {
  @IsInt() @Min(1) @Max(5_000) batchSize = 500;
  @IsInt() @Min(10) flushIntervalMs = 200;
  /** Held in memory while Redis is unreachable; events beyond this are dropped and counted. */
  @IsInt() @Min(1_000) maxBufferedEvents = 100_000;
}

/** The worker's writer: batches from Redis into PostgreSQL, retried until PostgreSQL takes them. */
export class AnalyticsWriterConfig {
  @IsInt() @Min(1) concurrency = 2;
  /** First retry delay after a failed write; doubles on every further try, up to maxRetryDelayMs. */
  @IsInt() @Min(10) retryDelayMs = 500;
  @IsInt() @Min(10) maxRetryDelayMs = 10_000;
}

export class AnalyticsRollupConfig {
  /** Hourly rollups older than this are purged (0 = kept forever); daily rollups are kept forever. */
  @IsInt() @Min(0) hourlyRetentionDays = 400;
}

export class AnalyticsMetricsConfig {
  @IsBoolean() enabled = true;
  /** 0: GET /metrics on the api, admin only. Otherwise a separate unauthenticated port (keep it internal). */
  @IsInt() @Min(0) @Max(65535) port = 0;
  /** The worker's /metrics port (0 = none). */
  @IsInt() @Min(0) @Max(65535) workerPort = 0;
  /** BullMQ queues whose job counts are reported (collected on scrape). */
  @IsArray() @IsString({ each: true }) queues: string[] = ['usage-events', 'tasks', 'task-webhooks'];
}

export class AnalyticsConfig {
  /** false: no usage events are recorded (the endpoints still answer from what is stored). */
  @IsBoolean() enabled = true;
  @IsArray()
  @ValidateNested({ each: true })
  @Type(() => AnalyticsPriceConfig)
  prices: AnalyticsPriceConfig[] = [];
  /** Raw request and attempt rows older than this are purged (0 = kept forever); rollups stay. */
  @IsInt() @Min(0) retentionDays = 90;
  @IsInt() @Min(60_000) purgeIntervalMs = 3_600_000;
  @ValidateNested() @Type(() => AnalyticsIngestConfig) ingest = new AnalyticsIngestConfig();
  @ValidateNested() @Type(() => AnalyticsWriterConfig) writer = new AnalyticsWriterConfig();
  @ValidateNested() @Type(() => AnalyticsRollupConfig) rollups = new AnalyticsRollupConfig();
  @ValidateNested() @Type(() => AnalyticsMetricsConfig) metrics = new AnalyticsMetricsConfig();
}

export class AppConfig {
  @IsIn(RUN_MODES) mode: RunMode = 'full';
  @ValidateNested() @Type(() => EmbeddedConfig) embedded = new EmbeddedConfig();
  @ValidateNested() @Type(() => ServerConfig) server = new ServerConfig();
  @ValidateNested() @Type(() => LoggingConfig) logging = new LoggingConfig();
  /** Required in full mode; embedded mode points it at its in-process database (other keys still apply). */
  @ValidateIf((config: AppConfig) => !isEmbedded(config) || config.database !== undefined)
  @IsDefined({ message: 'section is required' })
  @ValidateNested()
  @Type(() => DatabaseConfig)
  database!: DatabaseConfig;
  @ValidateNested() @Type(() => RedisConfig) redis = new RedisConfig();
  @IsDefined({ message: 'section is required' }) @ValidateNested() @Type(() => AuthConfig) auth!: AuthConfig;
  @IsArray() @ValidateNested({ each: true }) @Type(() => DeploymentConfig) providers: DeploymentConfig[] = [];
  @ValidateNested() @Type(() => RoutingConfig) routing = new RoutingConfig();
  @ValidateNested() @Type(() => CacheConfig) cache = new CacheConfig();
  @ValidateNested() @Type(() => TasksConfig) tasks = new TasksConfig();
  @ValidateNested() @Type(() => AnalyticsConfig) analytics = new AnalyticsConfig();
}

/** True when this process runs without Redis on an in-process PostgreSQL (see RUN_MODES). */
export function isEmbedded(config: Pick<AppConfig, 'mode'>): boolean {
  return config.mode === 'embedded';
}
