/**
 * Output of the pure translation: Kubernetes objects as plain data, plus what the engine needs
 * to run the loop (dependency graph, sync mappings) and what the dashboard shows (key → fields).
 */
import type { CompileSpec } from "../compile/compile-spec.js";
import type { CompilerPreset } from "../compile/compiler-preset.js";
import type { HealthcheckSpec, WatchAction } from "../compose/types.js";
import type { DependsOnCondition } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";

export interface KubeManifest {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: {
    readonly name: string;
    readonly namespace?: string;
    readonly labels?: Readonly<Record<string, string>>;
    readonly annotations?: Readonly<Record<string, string>>;
  };
  readonly [field: string]: unknown;
}

/** An edge of the depends_on graph, as the engine enforces it. */
export interface DependencyEdge {
  readonly service: string;
  readonly dependsOn: string;
  readonly condition: DependsOnCondition;
  readonly required: boolean;
  readonly restart: boolean;
}

/** A bind mount of source that became an emptyDir the sync engine fills. */
export interface SyncMapping {
  readonly service: string;
  /** Absolute host path. */
  readonly source: string;
  /** Path in the container. */
  readonly target: string;
  readonly volumeName: string;
  /** `:ro`: the container's writes do not come back to the host. */
  readonly readOnly?: boolean;
}

/**
 * One develop.watch rule resolved for the sync controller (engine/controllers/sync-controller.ts). Plain data: it is
 * persisted with the loaded project. A rule whose path is a file syncs that one file: localRoot and targetDir are
 * the parents, `only` the file's name.
 */
export interface LiveRule {
  /** Stable id, "<service>:watch[<index>]"; also the watcher root id. */
  readonly id: string;
  readonly action: WatchAction;
  /** Absolute host path the rule watches (directory or file). */
  readonly path: string;
  /** Absolute host directory files are synced from. */
  readonly localRoot: string;
  /** Absolute container directory files are synced into (sync actions only). */
  readonly targetDir?: string;
  /** A file rule: the one file name under localRoot (and targetDir). */
  readonly only?: string;
  readonly ignore: readonly string[];
  readonly include: readonly string[];
  /** The service's build context when the rule's path is inside it (its .dockerignore applies). */
  readonly contextDir?: string;
  readonly initialSync: boolean;
  /**
   * A bind mount that is not read-only: what the container creates or changes under targetDir comes back to the host
   * (sync/pull-plan.ts). `hidden`: directories inside it that other mounts cover (not walked, not synced).
   */
  readonly pull?: { readonly hidden: readonly string[] };
  readonly exec?: { readonly command: readonly string[]; readonly user?: string; readonly workingDir?: string; readonly environment: Readonly<Record<string, string>> };
}

export interface ServiceLive {
  readonly service: string;
  /** The container devloop syncs into, execs in and restarts (the service's only app container). */
  readonly container: string;
  readonly rules: readonly LiveRule[];
  /** The resolved x-devloop.compile spec, when the service has one. */
  readonly compile?: CompileSpec;
  /**
   * How a restart happens: "process" = the command runs under the supervisor (supervisor/supervisor.ts) and
   * restartProcessCommand restarts it in place; "pod" = no command line is known (an image-only service without
   * entrypoint), so the pod is replaced; "none" = nothing in the service ever restarts.
   */
  readonly restart: "process" | "pod" | "none";
  /**
   * Container directories that are seeded emptyDir volumes (what is synced there survives a process restart), outermost
   * only. Also lists a directory a compose volume already mounts (a bind's synced emptyDir, a named volume): it gets no
   * seeded volume of its own (translate/live.ts) but what is synced there survives a restart just the same.
   */
  readonly seededDirs: readonly string[];
  /**
   * Ids of the rules that fill the service's directory bind mounts (translate/bind-mounts.ts): the pod's "devloop-bind"
   * init container waits until the sync controller has put each of them in place. Absent without directory binds.
   */
  readonly binds?: readonly string[];
  /** The init container those binds wait in, when not "devloop-bind" (a sidecar's, renamed in its host's pod). */
  readonly bindContainer?: string;
}

/** One line of the translation view: a compose key and the Kubernetes fields it became. */
export interface TranslationEntry {
  readonly service: string;
  /** Compose key path, e.g. "services.web.healthcheck". */
  readonly composePath: string;
  /** e.g. "Deployment/web spec.template.spec.containers[0].readinessProbe". */
  readonly kubeFields: readonly string[];
  readonly status: "translated" | "ignored" | "partial";
  readonly note?: string;
}

export interface TranslateOptions {
  readonly namespace: string;
  /** Service name → image reference to use (e.g. content-hash tag from a build). */
  readonly images?: Readonly<Record<string, string>>;
  /** Templates loaded from templates/k8s (and a project override), already validated. */
  readonly templates?: ManifestTemplates;
  /** Whether to emit the Namespace object itself. Default true. */
  readonly includeNamespace?: boolean;
  /**
   * Contents of the files the project's secrets and configs name (file: sources), by absolute path.
   * Translation does no I/O; a missing entry renders an empty object with a DL-TRANSLATE-004 warning.
   */
  readonly files?: Readonly<Record<string, string>>;
  /**
   * Services that others wait on with service_completed_successfully anywhere in the compose files, as
   * awaitedServices() computes it from the project loaded with every profile and no service selection.
   * Pass it when rendering a subset, so a one-shot service stays a Job when its waiters are not selected.
   * Default: computed from the project itself.
   */
  readonly awaitedServices?: readonly string[];
  /**
   * Contents of bind-mount sources that are files (not directories), by absolute path, as collectBindFiles()
   * gathers them. Such a bind becomes a "<service>-files" Secret mounted with subPath (the content at render
   * time) instead of a synced emptyDir, which can only stand in for a directory.
   */
  readonly bindFiles?: Readonly<Record<string, string>>;
  /** The interpolation environment, for secrets and configs with an environment: source. */
  readonly variables?: Readonly<Record<string, string | undefined>>;
  /**
   * develop.watch paths that are regular files (absolute), as gatherTranslateInputs finds them: such a rule syncs
   * one file (LiveRule.only) and its container directory is the target's parent. Other paths count as directories.
   */
  readonly watchFiles?: readonly string[];
  /** Compiler presets (templates/compilers, loadCompilerPresets) that x-devloop.compile's preset: names. */
  readonly compilerPresets?: Readonly<Record<string, CompilerPreset>>;
  /**
   * Service → the HEALTHCHECK its image brings (from the build's Dockerfile, as gatherTranslateInputs reads it).
   * The service's healthcheck is laid over it as Compose does (image-healthcheck.ts).
   */
  readonly imageHealthchecks?: Readonly<Record<string, HealthcheckSpec>>;
}

export interface ManifestTemplates {
  readonly [kind: string]: Readonly<Record<string, unknown>>;
}

export interface TranslateResult {
  /** Stable order: Namespace, then by kind order, then by name. */
  readonly manifests: readonly KubeManifest[];
  readonly dependencies: readonly DependencyEdge[];
  readonly syncMappings: readonly SyncMapping[];
  /** Per service with develop.watch rules or an x-devloop.compile spec: what the sync controller runs. */
  readonly live: Readonly<Record<string, ServiceLive>>;
  readonly translation: readonly TranslationEntry[];
  /**
   * Translation diagnostics: warnings for ignored keys and lossy translations; severity "error" for
   * rejected keys (support.ts), in which case the manifests are still returned but should not be applied.
   */
  readonly warnings: readonly Diagnostic[];
}
