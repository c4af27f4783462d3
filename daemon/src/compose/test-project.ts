/**
 * Hand-built ComposeProject values for unit tests, where the loader is not involved (fixture tests use the real
 * loader): every field a test does not name is defaulted. A service gets the image "<name>:1" unless it names an
 * image or a build (a build's fields other than its context are defaulted too); the project is "shop" in /src/shop.
 */
import type { BuildSpec, ComposeProject, ServiceSpec } from "./types.js";

export type ServiceInput = Partial<Omit<ServiceSpec, "build">> & { readonly build?: Partial<BuildSpec> & { readonly context: string } };

export const service = (name: string, input: ServiceInput = {}): ServiceSpec => {
  const { build, ...rest } = input;
  return {
    name,
    ...(build === undefined ? { image: `${name}:1` } : {}),
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
    ...(build === undefined ? {} : { build: { dockerfile: "Dockerfile", args: {}, labels: {}, cacheFrom: [], extraHosts: [], ...build } }),
  };
};

/** Services as built ones, or as inputs by name; `overrides` replaces any project field (composeFiles follows workingDir). */
export const project = (services: readonly ServiceSpec[] | Readonly<Record<string, ServiceInput>>, overrides: Partial<ComposeProject> = {}): ComposeProject => {
  const workingDir = overrides.workingDir ?? "/src/shop";
  const list = Array.isArray(services) ? (services as readonly ServiceSpec[]) : Object.entries(services as Readonly<Record<string, ServiceInput>>).map(([name, input]) => service(name, input));
  return {
    name: "shop",
    workingDir,
    composeFiles: [`${workingDir}/compose.yml`],
    profiles: [],
    services: Object.fromEntries(list.map((s) => [s.name, s])),
    disabledServices: [],
    volumes: {},
    networks: {},
    secrets: {},
    configs: {},
    extensions: {},
    sourceMap: {},
    ...overrides,
  };
};
