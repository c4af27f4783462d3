/**
 * Every diagnostic the compose loader emits, with its stable code. docs/errors.md is generated from this
 * table plus one fixtures/invalid case per code (scripts/gen-errors-doc.ts; invalid-golden.test.ts checks every
 * code has a case).
 */
import type { Severity } from "../errors/diagnostic.js";

export interface CodeInfo {
  readonly code: string;
  readonly severity: Severity;
  readonly title: string;
}

const c = (code: string, severity: Severity, title: string): CodeInfo => ({ code, severity, title });

export const Codes = {
  yamlSyntax: c("DL-COMPOSE-001", "error", "YAML syntax error"),
  duplicateKey: c("DL-COMPOSE-002", "error", "a key appears twice in the same mapping"),
  notAMapping: c("DL-COMPOSE-003", "error", "the compose file is empty or not a mapping"),
  fileNotFound: c("DL-COMPOSE-004", "error", "a compose, extends or include file does not exist"),
  noComposeFile: c("DL-COMPOSE-005", "error", "no compose file found"),
  invalidTemplate: c("DL-COMPOSE-006", "error", "malformed interpolation template"),
  requiredVariable: c("DL-COMPOSE-007", "error", "a required variable (${VAR:?msg} / ${VAR?msg}) is missing"),
  unsetVariable: c("DL-COMPOSE-008", "warning", "a variable used in interpolation is not set"),
  unknownKey: c("DL-COMPOSE-009", "error", "unknown key"),
  wrongType: c("DL-COMPOSE-010", "error", "a value has the wrong type"),
  invalidValue: c("DL-COMPOSE-011", "error", "a value is not one of the allowed values"),
  invalidPort: c("DL-COMPOSE-012", "error", "invalid port mapping"),
  invalidVolume: c("DL-COMPOSE-013", "error", "invalid volume mount"),
  invalidDuration: c("DL-COMPOSE-014", "error", "invalid duration"),
  invalidSize: c("DL-COMPOSE-015", "error", "invalid byte size"),
  undefinedService: c("DL-COMPOSE-016", "error", "reference to a service that is not defined"),
  dependencyCycle: c("DL-COMPOSE-017", "error", "depends_on forms a cycle"),
  dependsOnDisabled: c("DL-COMPOSE-018", "error", "a service depends on a service disabled by profiles"),
  undefinedVolume: c("DL-COMPOSE-019", "error", "a service mounts a named volume that is not declared"),
  undefinedSecretOrConfig: c("DL-COMPOSE-020", "error", "a service uses a secret or config that is not declared"),
  extendsNotFound: c("DL-COMPOSE-021", "error", "extends names a service that does not exist"),
  extendsCycle: c("DL-COMPOSE-022", "error", "extends forms a cycle"),
  includeConflict: c("DL-COMPOSE-023", "error", "an included file defines a resource that already exists"),
  envFileNotFound: c("DL-COMPOSE-024", "error", "a required env_file or --env-file does not exist"),
  invalidProjectName: c("DL-COMPOSE-025", "error", "invalid project name"),
  noImageOrBuild: c("DL-COMPOSE-026", "error", "a service has neither image nor build"),
  unknownServiceArg: c("DL-COMPOSE-027", "error", "a service named on the command line does not exist"),
  envFileSyntax: c("DL-COMPOSE-028", "error", "syntax error in an env file"),
  obsoleteVersion: c("DL-COMPOSE-029", "warning", "the top-level version key is obsolete"),
  invalidEnvironment: c("DL-COMPOSE-030", "error", "invalid environment entry"),
  invalidHealthcheck: c("DL-COMPOSE-031", "error", "invalid healthcheck"),
  invalidWatch: c("DL-COMPOSE-032", "error", "invalid develop.watch rule"),
  invalidFileObject: c("DL-COMPOSE-033", "error", "a secret or config needs exactly one source"),
  invalidMergeKey: c("DL-COMPOSE-034", "error", "invalid YAML merge key (<<) or tag"),
  undefinedNetwork: c("DL-COMPOSE-035", "error", "a service uses a network that is not declared"),
  invalidInclude: c("DL-COMPOSE-036", "error", "invalid include entry"),
  invalidExtends: c("DL-COMPOSE-037", "error", "invalid extends"),
  conflictingReplicas: c("DL-COMPOSE-038", "error", "scale and deploy.replicas disagree"),
  invalidExpose: c("DL-COMPOSE-039", "error", "invalid expose entry"),
  invalidServiceName: c("DL-COMPOSE-040", "error", "invalid service name"),
  includeCycle: c("DL-COMPOSE-041", "error", "include forms a cycle"),
  multipleDefaultFiles: c("DL-COMPOSE-042", "warning", "more than one default compose file name exists in the directory"),
  conflictingResources: c("DL-COMPOSE-043", "error", "a service-level resource key and deploy.resources disagree"),
  labelFileNotFound: c("DL-COMPOSE-044", "error", "a label_file does not exist"),
  expansionLimit: c("DL-COMPOSE-045", "error", "interpolation exceeds a limit (1 MiB per value, 16 MiB per project, templates nested 32 deep)"),
  inputLimit: c("DL-COMPOSE-046", "error", "an input limit is exceeded: 8 MiB per compose or env file, 100 levels of YAML nesting, 100 services in an extends chain, 1,000 in a depends_on chain"),
  invalidSyncTarget: c("DL-COMPOSE-047", "error", "a sync target is not a clean absolute path in the container"),
  conflictingExternal: c("DL-COMPOSE-048", "error", "an external volume, network, secret or config also sets driver, driver_opts or labels, or both name and external.name"),
} as const satisfies Record<string, CodeInfo>;

export type CodeName = keyof typeof Codes;

export const allCodes: readonly CodeInfo[] = Object.values(Codes);
