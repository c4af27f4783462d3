/**
 * The container environment. The loader has already resolved precedence (environment: over env_file
 * entries, later env_file over earlier), so each variable has one value and one source. Values from env
 * files, and any variable whose name looks secret, go to the "<service>-env" Secret and reach the container
 * through secretKeyRef; the rest stay plain env. Nothing secret is ever written into a ConfigMap or a
 * Deployment.
 */
import type { ServiceSpec } from "../compose/types.js";
import { escapeKubeExpansion } from "./escape.js";
import { shortHash } from "./hash.js";

export const SECRET_NAME_PATTERN = /PASSWORD|PASSWD|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

export type EnvVar =
  | { readonly name: string; readonly value: string }
  | { readonly name: string; readonly valueFrom: { readonly secretKeyRef: { readonly name: string; readonly key: string } } };

export interface EnvironmentPlan {
  readonly env: readonly EnvVar[];
  /** Data of the "<service>-env" Secret; empty when nothing is secret. */
  readonly secretData: Readonly<Record<string, string>>;
  /** Variables that went to the Secret because of their name (not their source). */
  readonly secretByName: readonly string[];
}

const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** The Secret data key for a variable: its name, or (for names a Secret key cannot hold) a cleaned name with a hash. */
export const secretKey = (name: string): string =>
  SECRET_KEY.test(name) ? name : `${name.replace(/[^-._a-zA-Z0-9]/g, "_")}-${shortHash(name)}`;

/** True when the variable's value came from an env_file rather than environment:. */
const fromEnvFile = (service: ServiceSpec, name: string): boolean => {
  const source = service.environmentSources[name];
  return source !== undefined && source !== "environment";
};

export const planEnvironment = (service: ServiceSpec, secretName: string): EnvironmentPlan => {
  const env: EnvVar[] = [];
  const secretData: Record<string, string> = {};
  const secretByName: string[] = [];
  for (const [name, value] of Object.entries(service.environment)) {
    const byFile = fromEnvFile(service, name);
    // "*_FILE" variables (POSTGRES_PASSWORD_FILE) hold a path by convention, not the secret itself.
    const byName = SECRET_NAME_PATTERN.test(name) && !/_FILE$/i.test(name);
    if (byFile || byName) {
      const key = secretKey(name);
      secretData[key] = value;
      if (!byFile) secretByName.push(name);
      env.push({ name, valueFrom: { secretKeyRef: { name: secretName, key } } });
    } else {
      env.push({ name, value: escapeKubeExpansion(value) });
    }
  }
  return { env, secretData, secretByName };
};
