/**
 * Loading and translating a compose project for the engine: the compose + translate pipeline behind one call,
 * so controllers can be tested without files. main.ts wires the real one (project/project-loader.ts).
 */
import type { LoadOptions, ProjectDelivery } from "../compose/types.js";
import type { Diagnostic } from "../errors/diagnostic.js";
import type { DependencyEdge, KubeManifest, ServiceLive, TranslationEntry } from "../translate/types.js";
import type { ServiceFinding } from "./doctor.js";
import type { ImageBuildRequest } from "./image-builder.js";

export interface PublishedPort {
  readonly service: string;
  /** The host port; 0 when compose gave none (`ports: ["80"]`): the port-forward takes a free local port. */
  readonly published: number;
  readonly target: number;
  readonly hostIp?: string;
  readonly protocol: string;
}

export interface LoadedProject {
  readonly name: string;
  readonly namespace: string;
  readonly composeFiles: readonly string[];
  /** Files whose edit reloads the project: the compose files and the other files the load read (.env, env_file…). */
  readonly inputFiles?: readonly string[];
  /** Enabled services in file order. */
  readonly services: readonly string[];
  readonly manifests: readonly KubeManifest[];
  readonly dependencies: readonly DependencyEdge[];
  readonly ports: readonly PublishedPort[];
  /** Services that need an image built before apply (build:), with the image they expect. */
  readonly builds: Readonly<Record<string, string>>;
  /** What to build for those services (build/build-request.ts); the engine builds them before apply. */
  readonly buildRequests?: Readonly<Record<string, ImageBuildRequest>>;
  readonly warnings: readonly Diagnostic[];
  /** Names from the request's environment the load referred to: all state.json keeps of that environment. */
  readonly variables?: readonly string[];
  /** develop.watch rules and compile specs per service, for the sync controller (translate's TranslateResult.live). */
  readonly live?: Readonly<Record<string, ServiceLive>>;
  /** Kube contexts the compose file allows beyond local clusters (top-level `x-devloop.allowed_contexts`). */
  readonly allowedContexts?: readonly string[];
  /** How built images reach the cluster, as the compose file's top-level x-devloop.image_delivery / registry say. */
  readonly delivery?: ProjectDelivery;
  /** Doctor findings per service (only services that have some); absent when no doctor ran. */
  readonly findings?: Readonly<Record<string, readonly ServiceFinding[]>>;
  /** Per service, each compose key and the Kubernetes fields it became (the dashboard's translation view). */
  readonly translation?: readonly TranslationEntry[];
  /** Every profile some service names, enabled or not, sorted (the dashboard's profile switches). */
  readonly profiles?: readonly string[];
}

export type ProjectLoadResult =
  | { readonly ok: true; readonly project: LoadedProject }
  | { readonly ok: false; readonly diagnostics: readonly Diagnostic[] };

export interface ProjectLoadRequest {
  readonly options: LoadOptions;
  /** -n; undefined = the default for the project and user. */
  readonly namespace?: string;
  /** Namespaces chosen earlier per project name (`ns use`): used when `namespace` is undefined and the load names that project. */
  readonly namespaces?: Readonly<Record<string, string>>;
  /** Whether up installs the isolation defaults (default true): the load then warns where a service collides with them. */
  readonly isolation?: boolean;
}

export interface ProjectLoader {
  load(request: ProjectLoadRequest): Promise<ProjectLoadResult>;
}
