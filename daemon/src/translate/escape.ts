/**
 * Kubernetes expands $(VAR) in a container's command, args and env values, and reduces "$$" to "$".
 * Compose passes these strings verbatim (interpolation already happened in the loader), so every "$"
 * that Kubernetes would read as the start of "$$" or "$(" is doubled.
 */
export const escapeKubeExpansion = (value: string): string => value.replace(/\$(?=[$(])/g, "$$$$");
