/**
 * Labels and annotations the engine stamps on everything it applies, so the watch, prune and down can find
 * objects by selector whatever the translation put there.
 */
export const labelPrefix = "devloop.dev";
export const projectLabel = `${labelPrefix}/project`;
export const serviceLabel = `${labelPrefix}/service`;
export const managedByLabel = "app.kubernetes.io/managed-by";
export const managedByValue = "devloop";
export const inputHashAnnotation = `${labelPrefix}/input-hash`;

export const projectSelector = (project: string): string => `${projectLabel}=${project}`;
export const serviceSelector = (project: string, service: string): string => `${projectLabel}=${project},${serviceLabel}=${service}`;
