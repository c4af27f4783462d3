/**
 * Hand-built ComposeProject values for unit tests: only what the doctor reads, the rest defaulted.
 * (Fixture tests use the real loader.)
 */
import type { BuildSpec, ComposeProject, ServiceSpec, SourceMap } from "../../compose/types.js";

export type ServiceInput = Partial<Omit<ServiceSpec, "build">> & { build?: Partial<BuildSpec> & { context: string } };

export const makeService = (name: string, input: ServiceInput = {}): ServiceSpec => {
  const { build, ...rest } = input;
  return {
    name,
    environment: {},
    environmentSources: Object.fromEntries(Object.keys(input.environment ?? {}).map((key) => [key, "environment"])),
    envFiles: [],
    ports: [],
    expose: [],
    volumes: [],
    tmpfs: [],
    dependsOn: {},
    replicas: 1,
    labels: {},
    annotations: {},
    capAdd: [],
    capDrop: [],
    extraHosts: [],
    groupAdd: [],
    dns: [],
    dnsSearch: [],
    dnsOpt: [],
    sysctls: {},
    networks: {},
    secrets: [],
    configs: [],
    profiles: [],
    extensions: {},
    ...rest,
    ...(build
      ? { build: { dockerfile: "Dockerfile", args: {}, labels: {}, cacheFrom: [], extraHosts: [], ...build } }
      : {}),
  };
};

export const makeProject = (
  services: Readonly<Record<string, ServiceInput>>,
  options: { workingDir?: string; sourceMap?: SourceMap; extensions?: Record<string, unknown> } = {},
): ComposeProject => {
  const workingDir = options.workingDir ?? "/p";
  return {
    name: "demo",
    workingDir,
    composeFiles: [`${workingDir}/compose.yml`],
    profiles: [],
    services: Object.fromEntries(Object.entries(services).map(([name, input]) => [name, makeService(name, input)])),
    disabledServices: [],
    volumes: {},
    networks: {},
    secrets: {},
    configs: {},
    extensions: options.extensions ?? {},
    sourceMap: options.sourceMap ?? {},
  };
};
