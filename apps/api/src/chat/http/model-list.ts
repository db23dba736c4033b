import type { CatalogEntry } from '@app/llm';
import type { ModelDto, ModelListDto } from '../dto/model-list.dto';

export const MODEL_OWNER = 'manus-gateway';

export function toModel(entry: CatalogEntry, created: number): ModelDto {
  return {
    id: entry.id,
    object: 'model',
    created,
    owned_by: MODEL_OWNER,
    kind: entry.kind,
    models: [...entry.models],
    providers: [...entry.providers],
  };
}

/** OpenAI's model list: every model and group name a caller can put in `model`. */
export function toModelList(entries: readonly CatalogEntry[], created: number): ModelListDto {
  return { object: 'list', data: entries.map((entry) => toModel(entry, created)) };
}
