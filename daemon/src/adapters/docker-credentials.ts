/**
 * Registry credentials from the Docker credential config, as `docker login` leaves them: $DOCKER_CONFIG/config.json
 * or ~/.docker/config.json, an inline auth or a credential helper (`docker-credential-<name> get`, the host on
 * stdin). What is found is used for the push (X-Registry-Auth) and, when it is a username and password, for the pull
 * Secret the cluster's nodes need (build/registry-auth.ts). Nothing found: anonymous, as the bed's registry is.
 * No secret value is ever logged: only where the credentials came from.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import { homedir } from "node:os";
import { join } from "node:path";
import { credentialSource, dockerConfigJson, helperCredentials, registryHost } from "../build/registry-auth.js";
import type { ResolvedCredentials } from "../build/registry-auth.js";

export interface PushAuth {
  readonly username?: string;
  readonly password?: string;
  readonly identitytoken?: string;
  readonly serveraddress: string;
}

export interface RegistryCredentials {
  readonly host: string;
  /** For the push; undefined = anonymous. */
  readonly push?: PushAuth;
  /** The pull Secret's .dockerconfigjson; undefined when the registry needs none (or an identity token cannot make one). */
  readonly pullConfigJson?: string;
  /** Where they came from, or why there are none (no secret values). */
  readonly note: string;
}

export type RunHelper = (helper: string, host: string) => Promise<string>;

const defaultRunHelper: RunHelper = (helper, host) =>
  new Promise((resolve, reject) => {
    const child = execFile(`docker-credential-${helper}`, ["get"], { timeout: 10_000 }, (error, stdout) => (error ? reject(new Error(error.message)) : resolve(stdout)));
    child.stdin?.end(host);
  });

export const dockerConfigPath = (env: NodeJS.ProcessEnv = process.env): string => join(env["DOCKER_CONFIG"] ?? join(homedir(), ".docker"), "config.json");

export const readRegistryCredentials = async (
  registry: string,
  options: { env?: NodeJS.ProcessEnv; readText?: (path: string) => Promise<string>; runHelper?: RunHelper } = {},
): Promise<RegistryCredentials> => {
  const host = registryHost(registry);
  const file = dockerConfigPath(options.env);
  let config: unknown;
  try {
    config = JSON.parse(await (options.readText ?? ((p: string) => readFile(p, "utf8")))(file));
  } catch {
    return { host, note: `no credentials for ${host} (${file} missing or unreadable): pushing anonymously` };
  }
  const found = credentialSource(config, host);
  let source: ResolvedCredentials | undefined;
  let from = file;
  if (found?.kind !== "helper") source = found;
  else {
    const helper = found.helper;
    from = `docker-credential-${helper}`;
    try {
      source = helperCredentials(await (options.runHelper ?? defaultRunHelper)(helper, host));
    } catch {
      source = undefined;
    }
    if (source === undefined) return { host, note: `${from} has no credentials for ${host}: pushing anonymously` };
  }
  if (source === undefined) return { host, note: `no credentials for ${host} in ${file}: pushing anonymously` };
  if (source.kind === "token") {
    return { host, push: { identitytoken: source.identitytoken, serveraddress: host }, note: `identity token for ${host} from ${from} (no pull Secret: nodes need a username and password)` };
  }
  return {
    host,
    push: { username: source.username, password: source.password, serveraddress: host },
    pullConfigJson: dockerConfigJson(host, source),
    note: `credentials for ${host} from ${from}; pods pulling from it get the imagePullSecret devloop-registry`,
  };
};
