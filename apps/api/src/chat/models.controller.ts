import { RequireScopes } from '@app/auth';
import { ModelCatalog, ModelNotFoundError } from '@app/llm';
import { Controller, Get, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ModelDto, ModelListDto } from './dto/model-list.dto';
import { toModel, toModelList } from './http/model-list';

/** OpenAI's model endpoints over the catalog (models and group aliases of enabled deployments). */
@ApiTags('chat')
@ApiBearerAuth()
@RequireScopes('chat')
@Controller('v1/models')
export class ModelsController {
  private readonly startedAt = Math.floor(Date.now() / 1000);

  constructor(private readonly catalog: ModelCatalog) {}

  @Get()
  @ApiOperation({ summary: 'The models and groups a caller may use' })
  @ApiOkResponse({ type: ModelListDto })
  list(): ModelListDto {
    return toModelList(this.catalog.list(), this.startedAt);
  }

  @Get(':model')
  @ApiOperation({ summary: 'One model or group' })
  @ApiOkResponse({ type: ModelDto })
  @ApiNotFoundResponse({ description: 'model_not_found (OpenAI error shape)' })
  one(@Param('model') model: string): ModelDto {
    const entry = this.catalog.list().find((e) => e.id === model);
    if (!entry) throw new ModelNotFoundError(model);
    return toModel(entry, this.startedAt);
  }
}
