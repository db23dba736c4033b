import { Public, SkipThrottle } from '@app/auth';
import { DomainException, ErrorCode } from '@app/common';
import { ReadinessService, type DependencyStatus } from '@app/health';
import { Controller, Get, Logger } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';

class LivenessResponse {
  @ApiProperty({ example: 'ok' }) status!: 'ok';
}

class DependencyStatusDto implements DependencyStatus {
  @ApiProperty({ example: 'database' }) dependency!: string;
  @ApiProperty({ enum: ['up', 'down'] }) status!: 'up' | 'down';
  @ApiProperty({ required: false }) message?: string;
}

class ReadinessResponse {
  @ApiProperty({ example: 'ready' }) status!: 'ready';
  @ApiProperty({ type: [DependencyStatusDto] }) dependencies!: DependencyStatusDto[];
}

@ApiTags('health')
@Public()
@SkipThrottle()
@Controller('health')
export class HealthController {
  private readonly logger = new Logger('Readiness');

  constructor(private readonly readiness: ReadinessService) {}

  @Get()
  @ApiOperation({ summary: 'Liveness: the process is up' })
  @ApiOkResponse({ type: LivenessResponse })
  liveness(): LivenessResponse {
    return { status: 'ok' };
  }

  @Get('ready')
  @ApiOperation({ summary: 'Readiness: PostgreSQL and Redis answer' })
  @ApiOkResponse({ type: ReadinessResponse })
  @ApiServiceUnavailableResponse({ description: 'A dependency is down (error body lists each one)' })
  async ready(): Promise<ReadinessResponse> {
    const { ready, dependencies } = await this.readiness.check();
    if (!ready) {
      const down = dependencies.filter((d) => d.status === 'down');
      // The driver's reason (host, port, error) goes to the log only: this route is public.
      this.logger.warn({ dependencies: down }, 'not ready');
      throw new DomainException({
        status: 503,
        code: ErrorCode.NotReady,
        message: `Not ready: ${down.map((d) => d.dependency).join(', ')} unreachable`,
        details: dependencies.map(({ dependency, status }) => ({ dependency, status })),
        retryAfterMs: 5_000,
      });
    }
    return { status: 'ready', dependencies };
  }
}
