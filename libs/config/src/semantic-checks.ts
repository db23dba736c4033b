import type { AppConfig } from './schema';

/** Checks that span several keys: unique ids, groups that name served models. */
export function validateSemantics(config: AppConfig): string[] {
  const problems: string[] = [];
  const seenIds = new Set<string>();
  const servedModels = new Set<string>();
  config.providers.forEach((deployment, i) => {
    if (seenIds.has(deployment.id))
      problems.push(`providers.${i}.id: duplicate deployment id "${deployment.id}"`);
    seenIds.add(deployment.id);
    if (deployment.enabled) deployment.models.forEach((m) => servedModels.add(m.name));
  });
  const groupNames = new Set<string>();
  config.routing.groups.forEach((group, i) => {
    if (groupNames.has(group.name))
      problems.push(`routing.groups.${i}.name: duplicate group "${group.name}"`);
    groupNames.add(group.name);
    group.models.forEach((model, j) => {
      if (!servedModels.has(model)) {
        problems.push(`routing.groups.${i}.models.${j}: no enabled deployment serves model "${model}"`);
      }
    });
  });
  return problems;
}
