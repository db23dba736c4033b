import type { ModelCatalog } from '@app/llm';

/** The public model name a deployment serves under a vendor model id, from the configured catalog. */
export function publicModelResolver(
  catalog: ModelCatalog,
): (deploymentId: string, vendorModel: string) => string | undefined {
  return (deploymentId, vendorModel) =>
    catalog.deployment(deploymentId)?.deployment.models.find((m) => (m.model ?? m.name) === vendorModel)
      ?.name;
}
