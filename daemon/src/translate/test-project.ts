/** Hand-built ComposeProject objects for the translate unit tests (the loader is not involved). */
import type { ComposeProject, ServiceSpec } from "../compose/types.js";

export const service = (name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec => ({
  name,
  image: `${name}:1`,
  environment: {},
  environmentSources: {},
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
  networks: {},
  secrets: [],
  configs: [],
  profiles: [],
  extensions: {},
  ...overrides,
});

export const project = (services: readonly ServiceSpec[], overrides: Partial<ComposeProject> = {}): ComposeProject => ({
  name: "shop",
  workingDir: "/src/shop",
  composeFiles: ["/src/shop/compose.yml"],
  profiles: [],
  services: Object.fromEntries(services.map((s) => [s.name, s])),
  disabledServices: [],
  volumes: {},
  networks: {},
  secrets: {},
  configs: {},
  extensions: {},
  sourceMap: {},
  ...overrides,
});
