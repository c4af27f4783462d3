/**
 * The resolved, normalised Compose project: the output of loadProject() and the input of every
 * other layer. Everything here is long syntax, interpolated, merged and validated; all paths are absolute.
 */
import type { Diagnostic } from "../errors/diagnostic.js";

export interface SourceLocation {
  readonly file: string;
  readonly line: number;
  readonly column: number;
}

/** Key path ("services.web.ports[0]") → where it was written. Only kept for paths that came from a file. */
export type SourceMap = Readonly<Record<string, SourceLocation>>;

export interface ComposeProject {
  readonly name: string;
  /** Absolute project directory. */
  readonly workingDir: string;
  /** Absolute paths of the compose files in load order (including included files). */
  readonly composeFiles: readonly string[];
  /** Active profiles after resolution. */
  readonly profiles: readonly string[];
  /** Enabled services only, keyed by name, in file order. */
  readonly services: Readonly<Record<string, ServiceSpec>>;
  /** Services defined but not enabled by the active profiles. */
  readonly disabledServices: readonly string[];
  /** Every profile some service names, enabled or not, sorted (absent in projects built by hand). */
  readonly allProfiles?: readonly string[];
  readonly volumes: Readonly<Record<string, VolumeSpec>>;
  readonly networks: Readonly<Record<string, NetworkSpec>>;
  readonly secrets: Readonly<Record<string, FileObjectSpec>>;
  readonly configs: Readonly<Record<string, FileObjectSpec>>;
  /** Top-level x-* keys. */
  readonly extensions: Readonly<Record<string, unknown>>;
  /** How built images reach the cluster, as the top-level x-devloop.image_delivery / registry say; absent = neither set. */
  readonly delivery?: ProjectDelivery;
  readonly sourceMap: SourceMap;
}

/** The top-level `x-devloop: { image_delivery, registry }` (compose/project-delivery.ts reads it). */
export interface ProjectDelivery {
  /** x-devloop.image_delivery: auto (decide from the cluster), registry, engine (the shared Docker engine) or kind; absent = not set. */
  readonly imageDelivery?: "auto" | "registry" | "engine" | "kind";
  /** x-devloop.registry: host[:port][/path], trailing slashes removed. */
  readonly registry?: string;
}

export type RestartPolicy = "no" | "always" | "on-failure" | "unless-stopped";

export interface ServiceSpec {
  readonly name: string;
  readonly image?: string;
  readonly build?: BuildSpec;
  /** null = explicitly reset; undefined = image default. */
  readonly entrypoint?: readonly string[] | null;
  readonly command?: readonly string[] | null;
  /**
   * The container environment, resolved: env_file entries in order (later wins), then environment: on top.
   * A bare key without a value in the interpolation environment is absent.
   */
  readonly environment: Readonly<Record<string, string>>;
  /** Where each variable came from, for the translation view ("environment" or the env_file path). */
  readonly environmentSources: Readonly<Record<string, string>>;
  readonly envFiles: readonly EnvFileSpec[];
  readonly ports: readonly PortSpec[];
  readonly expose: readonly ExposeSpec[];
  readonly volumes: readonly ServiceVolumeSpec[];
  /** Mounts with a Windows path or type: npipe: accepted as compose-go does; translation says they cannot be mounted. */
  readonly windowsMounts?: readonly { readonly source?: string; readonly target: string; readonly path: string }[];
  readonly tmpfs: readonly string[];
  readonly healthcheck?: HealthcheckSpec;
  readonly dependsOn: Readonly<Record<string, DependsOnSpec>>;
  readonly deploy?: DeploySpec;
  /** deploy.replicas, or scale, or 1. */
  readonly replicas: number;
  readonly restart?: RestartPolicy;
  readonly user?: string;
  readonly workingDir?: string;
  readonly hostname?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  /** Seconds. */
  readonly stopGracePeriod?: number;
  readonly stopSignal?: string;
  readonly init?: boolean;
  readonly tty?: boolean;
  readonly stdinOpen?: boolean;
  readonly privileged?: boolean;
  readonly readOnly?: boolean;
  readonly capAdd: readonly string[];
  readonly capDrop: readonly string[];
  readonly extraHosts: readonly { host: string; ip: string }[];
  /** group_add: group ids (or names) as written. */
  readonly groupAdd: readonly string[];
  /** dns, dns_search, dns_opt as written (each a string or a list in compose). */
  readonly dns: readonly string[];
  readonly dnsSearch: readonly string[];
  readonly dnsOpt: readonly string[];
  readonly sysctls: Readonly<Record<string, string>>;
  readonly networks: Readonly<Record<string, { aliases: readonly string[] }>>;
  readonly secrets: readonly ServiceFileRefSpec[];
  readonly configs: readonly ServiceFileRefSpec[];
  readonly profiles: readonly string[];
  readonly pullPolicy?: PullPolicy;
  /** provider.type: a service a provider plugin creates (compose-spec provider); it has no image and is not run. */
  readonly provider?: string;
  readonly platform?: string;
  readonly containerName?: string;
  readonly develop?: DevelopSpec;
  /** shm_size in bytes. */
  readonly shmSize?: number;
  /** post_start hooks, in order; undefined when none are written. */
  readonly postStart?: readonly LifecycleHookSpec[];
  /** pre_stop hooks, in order; undefined when none are written. */
  readonly preStop?: readonly LifecycleHookSpec[];
  /** network_mode as written: "host", "none", "bridge", "service:<name>", "container:<name>". */
  readonly networkMode?: string;
  /** volumes_from entries as written: "<service>", "<service>:ro", "container:<name>[:rw|:ro]". */
  readonly volumesFrom?: readonly string[];
  /** ipc as written: "shareable", "private", "host", "service:<name>", "container:<name>". */
  readonly ipc?: string;
  /** Service-level x-* keys (x-devloop is read by translate and the engine). */
  readonly extensions: Readonly<Record<string, unknown>>;
}

/** One post_start / pre_stop hook: a command run in the container after it starts / before it is stopped. */
export interface LifecycleHookSpec {
  readonly command: readonly string[];
  readonly user?: string;
  readonly privileged?: boolean;
  readonly workingDir?: string;
  readonly environment: Readonly<Record<string, string>>;
}

export interface BuildSpec {
  /** Absolute context directory. */
  readonly context: string;
  /** Dockerfile path relative to the context (as Docker expects it). */
  readonly dockerfile: string;
  readonly dockerfileInline?: string;
  readonly args: Readonly<Record<string, string>>;
  readonly target?: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly cacheFrom: readonly string[];
  readonly network?: string;
  readonly shmSize?: number;
  readonly extraHosts: readonly { host: string; ip: string }[];
  readonly noCache?: boolean;
  readonly pull?: boolean;
  /** More names for the built image (build.tags). */
  readonly tags?: readonly string[];
  readonly platforms?: readonly string[];
  readonly ulimits?: readonly BuildUlimit[];
  /** Keys the classic builder cannot honour, parsed so their types are checked (translate warns about them). */
  readonly secrets?: readonly string[];
  readonly ssh?: readonly string[];
  readonly additionalContexts?: Readonly<Record<string, string>>;
  readonly cacheTo?: readonly string[];
  readonly entitlements?: readonly string[];
  /** build.no_cache_filter: stages to build without the cache (BuildKit --no-cache-filter). */
  readonly noCacheFilter?: readonly string[];
  readonly privileged?: boolean;
  readonly provenance?: string;
  readonly sbom?: string;
  readonly isolation?: string;
}

/** build.ulimits.<name>: a single number sets soft and hard. */
export interface BuildUlimit {
  readonly name: string;
  readonly soft: number;
  readonly hard: number;
}

export interface EnvFileSpec {
  /** Absolute path. */
  readonly path: string;
  readonly required: boolean;
  readonly format?: "raw";
}

export interface PortSpec {
  /** Container port. */
  readonly target: number;
  /** Host port; undefined when not published to the host. */
  readonly published?: number;
  readonly hostIp?: string;
  readonly protocol: "tcp" | "udp" | "sctp";
  readonly mode?: "host" | "ingress";
  readonly name?: string;
  readonly appProtocol?: string;
}

export interface ExposeSpec {
  readonly target: number;
  readonly protocol: "tcp" | "udp" | "sctp";
}

export type ServiceVolumeSpec =
  | {
      readonly type: "bind";
      /** Absolute host path. */
      readonly source: string;
      readonly target: string;
      readonly readOnly: boolean;
      readonly createHostPath: boolean;
    }
  | {
      readonly type: "volume";
      /** Named volume key in project.volumes; undefined for an anonymous volume. */
      readonly source?: string;
      readonly target: string;
      readonly readOnly: boolean;
      readonly nocopy: boolean;
      readonly subpath?: string;
    }
  | {
      readonly type: "tmpfs";
      readonly target: string;
      readonly readOnly: boolean;
      /** Bytes. */
      readonly size?: number;
      readonly mode?: number;
    };

export interface HealthcheckSpec {
  /** Normalised test: ["CMD", ...] | ["CMD-SHELL", "..."] | ["NONE"]; [] when not set (the image's HEALTHCHECK test runs). */
  readonly test: readonly string[];
  /** Milliseconds. */
  readonly interval?: number;
  readonly timeout?: number;
  readonly startPeriod?: number;
  readonly startInterval?: number;
  readonly retries?: number;
  readonly disable: boolean;
}

export type DependsOnCondition = "service_started" | "service_healthy" | "service_completed_successfully";

export interface DependsOnSpec {
  readonly condition: DependsOnCondition;
  readonly required: boolean;
  readonly restart: boolean;
}

export interface ResourcesSpec {
  /** CPU in cores (e.g. 0.5). */
  readonly cpus?: number;
  /** Bytes. */
  readonly memory?: number;
  readonly pids?: number;
}

export interface DeploySpec {
  readonly replicas?: number;
  readonly resources: { readonly limits?: ResourcesSpec; readonly reservations?: ResourcesSpec };
  readonly labels: Readonly<Record<string, string>>;
  readonly restartPolicy?: { readonly condition?: "none" | "on-failure" | "any"; readonly maxAttempts?: number };
  /** deploy.mode as written ("replicated", "global", …). */
  readonly mode?: string;
  /** deploy.placement: constraints as written ("node.hostname == x"), preferences' spread values, max_replicas_per_node. */
  readonly placement?: { readonly constraints: readonly string[]; readonly preferences: readonly string[]; readonly maxReplicasPerNode?: number };
}

export interface VolumeSpec {
  readonly name: string;
  readonly driver?: string;
  readonly driverOpts: Readonly<Record<string, string>>;
  readonly external: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly extensions: Readonly<Record<string, unknown>>;
}

export interface NetworkSpec {
  readonly name: string;
  readonly external: boolean;
  readonly internal: boolean;
  readonly driver?: string;
}

/** A top-level secret or config: exactly one source. */
export interface FileObjectSpec {
  readonly name: string;
  /** Absolute path. */
  readonly file?: string;
  /** Name of a variable in the interpolation environment. */
  readonly environment?: string;
  /** Inline content (configs only in the spec; accepted for both). */
  readonly content?: string;
  /** A driver that provides the value (swarm secret drivers); valid with no source, as in compose-go. */
  readonly driver?: string;
  readonly external: boolean;
}

export interface ServiceFileRefSpec {
  readonly source: string;
  /** Absolute path inside the container. */
  readonly target: string;
  readonly uid?: string;
  readonly gid?: string;
  readonly mode?: number;
}

export type WatchAction = "sync" | "rebuild" | "sync+restart" | "sync+exec" | "restart";

export interface WatchRuleSpec {
  readonly action: WatchAction;
  /** Absolute host path. */
  readonly path: string;
  /** Container path; required for sync actions. */
  readonly target?: string;
  readonly ignore: readonly string[];
  readonly include: readonly string[];
  readonly initialSync: boolean;
  readonly exec?: { readonly command: readonly string[]; readonly user?: string; readonly workingDir?: string; readonly privileged?: boolean; readonly environment: Readonly<Record<string, string>> };
}

export interface DevelopSpec {
  readonly watch: readonly WatchRuleSpec[];
}

/** What loadProject() is asked to do: the equivalent of compose's command-line flags plus the shell environment. */
/** pull_policy: daily, weekly and every_<duration> pull again once the local image is older than that. */
export type PullPolicy = "always" | "never" | "missing" | "build" | "if_not_present" | "refresh" | "daily" | "weekly" | `every_${string}`;

export interface LoadOptions {
  /** -f values, in order; empty = COMPOSE_FILE or default discovery. */
  readonly files: readonly string[];
  readonly projectName?: string;
  readonly projectDirectory?: string;
  readonly profiles: readonly string[];
  readonly envFiles: readonly string[];
  /** Services named on the command line. */
  readonly services: readonly string[];
  /** The process environment (shell), highest precedence for interpolation. */
  readonly environment: Readonly<Record<string, string | undefined>>;
  /** The process working directory, for resolving relative -f paths. */
  readonly cwd: string;
  /** The text of `-f -` (the caller reads stdin; the loader reads only what it is handed). */
  readonly stdin?: string;
  /**
   * Seconds that replace every selected service's stop_grace_period: `up -t/--timeout`, Compose's shutdown timeout
   * for the containers it replaces (here: the pods' terminationGracePeriodSeconds).
   */
  readonly stopGracePeriod?: number;
  /**
   * `up --no-build`: no image is built; a build: service runs the image of its current inputs or, missing that, the
   * one its name points at (ports/image-builder.ts ImageBuildOptions). Not read by the loader: it travels with the
   * request, as `environment` does, and so holds for the project's reloads until the next `up`.
   */
  readonly noBuild?: boolean;
}

/** The file system the loader reads through: real in the CLI, in-memory in tests. */
export interface ComposeFileSystem {
  readFile(path: string): string | undefined;
  exists(path: string): boolean;
}

export type LoadResult =
  | {
      readonly ok: true;
      readonly project: ComposeProject;
      readonly warnings: readonly Diagnostic[];
      /** Values a diagnostic must never quote (compose/redact.ts), for later stages' diagnostics. */
      readonly secretValues?: readonly string[];
      /** The names from LoadOptions.environment the load referred to (interpolation, env_file lookups, secrets, COMPOSE_*…). */
      readonly variables?: readonly string[];
    }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };
