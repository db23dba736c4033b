import 'reflect-metadata';
import { Type } from 'class-transformer';
import {
  ArrayNotEmpty,
  IsArray,
  IsBoolean,
  IsDefined,
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

export class ServerConfig {
  @IsInt() @Min(0) @Max(65535) port = 3000;
  @IsString() host = '0.0.0.0';
  @IsArray() @IsString({ each: true }) corsOrigins: string[] = [];
  @IsInt() @Min(1024) bodyLimitBytes = 1_048_576;
  @IsInt() @Min(0) shutdownTimeoutMs = 10_000;
  @IsBoolean() docs = true;
}

export class LoggingConfig {
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) level = 'info';
}

export class DatabaseConfig {
  @IsString() @MinLength(1) url!: string;
  @IsBoolean() migrationsRun = true;
  @IsInt() @Min(1) poolSize = 10;
  @IsInt() @Min(100) connectTimeoutMs = 5_000;
}

export class RedisConfig {
  @IsString() @MinLength(1) url = 'redis://127.0.0.1:6379';
  @IsString() keyPrefix = 'mpb:';
  @IsInt() @Min(100) connectTimeoutMs = 5_000;
}

export class AuthConfig {
  @IsString() @MinLength(32, { message: 'must be at least 32 characters' }) jwtSecret!: string;
  @IsString() issuer = 'manus-platform-backend';
  @IsString() audience = 'manus-platform';
  @IsInt() @Min(30) accessTokenTtlSeconds = 900;
  @IsInt() @Min(60) refreshTokenTtlSeconds = 2_592_000;
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
  /** Overall deadline for one request across every attempt. */
  @IsInt() @Min(100) requestTimeoutMs = 120_000;
  @IsInt() @Min(0) healthProbeIntervalMs = 30_000;
}

export class CacheConfig {
  @IsBoolean() enabled = true;
  @IsInt() @Min(1) ttlSeconds = 3_600;
  @IsInt() @Min(1) maxEntryBytes = 262_144;
  @IsBoolean() cacheStreams = false;
}

export class TasksConfig {
  @IsInt() @Min(1) concurrency = 4;
  @IsInt() @Min(1) maxAttempts = 3;
  @IsInt() @Min(0) healthPort = 3001;
}

export class AppConfig {
  @ValidateNested() @Type(() => ServerConfig) server = new ServerConfig();
  @ValidateNested() @Type(() => LoggingConfig) logging = new LoggingConfig();
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
}
