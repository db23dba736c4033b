import { Roles } from '@app/auth';
import { DomainException } from '@app/common';
import { ProviderStatusService, type DeploymentStatus, type ProviderSummary } from '@app/llm';
import { Controller, Get, Param } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { DeploymentStatusDto, ProviderSummaryDto } from './provider-status.dto';

@ApiTags('providers')
@ApiBearerAuth()
@ApiForbiddenResponse({ description: 'Admins only' })
@Roles('admin')
@Controller('providers')
export class ProvidersController {
  constructor(private readonly status: ProviderStatusService) {}

  @Get()
  @ApiOperation({
    summary: 'Providers, their deployments and models, with live health and remaining capacity',
  })
  @ApiOkResponse({ type: [ProviderSummaryDto] })
  list(): Promise<ProviderSummary[]> {
    return this.status.list();
  }

  @Get(':id/status')
  @ApiOperation({ summary: 'One deployment: health, breaker, latency, error rate, remaining capacity' })
  @ApiOkResponse({ type: DeploymentStatusDto })
  @ApiNotFoundResponse({ description: 'No enabled deployment has this id' })
  async one(@Param('id') id: string): Promise<DeploymentStatus> {
    const status = await this.status.one(id);
    if (!status) throw DomainException.notFound(`Deployment "${id.slice(0, 100)}"`);
    return status;
  }
}
