import { PROVIDER_TYPES } from '@app/config';
import { ApiProperty } from '@nestjs/swagger';

export class ModelDto {
  @ApiProperty({ example: 'gpt-4o-mini', description: 'What to put in `model`' }) id!: string;
  @ApiProperty({ enum: ['model'] }) object!: 'model';
  @ApiProperty({ description: 'unix seconds (when this gateway started)' }) created!: number;
  @ApiProperty({ example: 'manus-gateway' }) owned_by!: string;
  @ApiProperty({ enum: ['model', 'group'], description: 'group: an alias routed across several models' })
  kind!: 'model' | 'group';
  @ApiProperty({ type: [String], description: 'for groups: the models behind it, in fallback order' })
  models!: string[];
  @ApiProperty({ enum: PROVIDER_TYPES, isArray: true, description: 'vendor types that can serve it' })
  providers!: string[];
}

export class ModelListDto {
  @ApiProperty({ enum: ['list'] }) object!: 'list';
  @ApiProperty({ type: [ModelDto] }) data!: ModelDto[];
}
