import { PROVIDER_TYPES, type ProviderType } from '@app/config';
import type {
  BreakerState,
  DeploymentStatus,
  HealthState,
  ProviderSummary,
  SharedHealthSnapshot,
} from '@app/llm';
import { ApiProperty } from '@nestjs/swagger';

class LastErrorDto {
  @ApiProperty() code!: string;
  @ApiProperty() message!: string;
  @ApiProperty({ required: false }) status?: number;
  @ApiProperty({ description: 'unix ms' }) at!: number;
}

class HealthDto implements SharedHealthSnapshot {
  @ApiProperty({ enum: ['healthy', 'degraded', 'down', 'cooling'] }) state!: HealthState;
  @ApiProperty({ type: Number, nullable: true }) latencyP50Ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) latencyP95Ms!: number | null;
  @ApiProperty({ type: Number, nullable: true }) ttftP50Ms!: number | null;
  @ApiProperty() errorRate!: number;
  @ApiProperty() requests!: number;
  @ApiProperty() inFlight!: number;
  @ApiProperty() consecutiveFailures!: number;
  @ApiProperty({ type: LastErrorDto, nullable: true }) lastError!: LastErrorDto | null;
  @ApiProperty({ type: Number, nullable: true }) lastSuccessAt!: number | null;
  @ApiProperty({ enum: ['closed', 'open', 'half-open'] }) breaker!: BreakerState;
  @ApiProperty({ description: 'processes whose report is in this view' }) instances!: number;
}

class DeploymentModelDto {
  @ApiProperty() name!: string;
  @ApiProperty() vendorModel!: string;
}

class LimitsDto {
  @ApiProperty({ type: Number, nullable: true }) rpm!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tpm!: number | null;
}

class RemainingDto {
  @ApiProperty({ type: Number, nullable: true }) requests!: number | null;
  @ApiProperty({ type: Number, nullable: true }) tokens!: number | null;
}

export class DeploymentStatusDto implements DeploymentStatus {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: PROVIDER_TYPES }) type!: ProviderType;
  @ApiProperty({ type: [DeploymentModelDto] }) models!: DeploymentModelDto[];
  @ApiProperty() priority!: number;
  @ApiProperty() weight!: number;
  @ApiProperty() timeoutMs!: number;
  @ApiProperty() probe!: boolean;
  @ApiProperty({ type: LimitsDto }) limits!: LimitsDto;
  @ApiProperty({ type: RemainingDto }) remaining!: RemainingDto;
  @ApiProperty({ type: HealthDto }) health!: HealthDto;
}

export class ProviderSummaryDto implements ProviderSummary {
  @ApiProperty({ enum: PROVIDER_TYPES }) type!: ProviderType;
  @ApiProperty({ type: [DeploymentStatusDto] }) deployments!: DeploymentStatusDto[];
}
