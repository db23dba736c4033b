import { Public, SkipThrottle } from '@app/auth';
import { DomainException, ErrorCode } from '@app/common';
import { ReadinessService, type DependencyStatus } from '@app/health';
import { Controller, Get } from '@nestjs/common';
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
      const down = dependencies.filter((d) => d.status === 'down').map((d) => d.dependency);
      throw new DomainException({
        status: 503,
        code: ErrorCode.NotReady,
        message: `Not ready: ${down.join(', ')} unreachable`,
        details: dependencies,
        retryAfterMs: 5_000,
      });
    }
    return { status: 'ready', dependencies };
  }
}
