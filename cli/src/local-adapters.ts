/**
 * The CLI's composition root for what it runs itself, without asking the daemon: image sizes for `doctor`, image
 * builds for `build`, live objects for `up --dry-run`, a terminal into a pod for `exec` and `run`, and the daemon
 * process itself for `daemon run`. The only CLI module that imports daemon/src/adapters (and so dockerode or
 * client-node) or the daemon's main: each is loaded when a command asks for it, so `render` or `status` loads no
 * SDK. Commands get ports (ImageInspector, ImageBuilder, LiveObjects, PodTerminal), never an adapter; ESLint
 * (eslint.config.js) holds the line.
 */
import type { ClusterNodeFacts, ImageDelivery } from "../../daemon/src/build/image-delivery.js";
import type { ImageInspector } from "../../daemon/src/doctor/image-inspector.js";
import type { ImageBuilder } from "../../daemon/src/ports/image-builder.js";
import type { LiveObjects } from "../../daemon/src/ports/live-objects.js";
import type { PodTerminal } from "../../daemon/src/ports/pod-terminal.js";
import { UserError } from "./user-error.js";

/** Local images through the Docker engine (DOCKER_HOST or the default socket). */
export const dockerImageInspector = async (): Promise<ImageInspector> => (await import("../../daemon/src/adapters/docker-image-inspector.js")).createDockerImageInspector();

/** Builds with BuildKit through the Docker CLI, delivered as `delivery` says. */
export const dockerImageBuilder = async (delivery: ImageDelivery): Promise<ImageBuilder> =>
  (await import("../../daemon/src/adapters/dockerode-image-builder.js")).createDockerodeImageBuilder({ delivery });

/** The kubeconfig's current context after --context (throws a ClusterError when that context is not there). */
export const currentKubeContext = async (context: string | undefined): Promise<string | undefined> =>
  (await import("../../daemon/src/adapters/kube-cluster.js")).loadKubeConfig(context).getCurrentContext() || undefined;

/**
 * The nodes and this Docker engine's name, gathered as the daemon gathers them at start (adapters/delivery-facts.ts),
 * so that `devloop build` delivers where `up` would: on the two-node bed with DEVLOOP_REGISTRY set, the admin still
 * shares node 1's engine and pushes nothing. Unknown nodes when the kubeconfig cannot be read.
 */
export const clusterDeliveryFacts = async (context: string | undefined): Promise<{ nodes: readonly ClusterNodeFacts[]; dockerEngineName?: string }> => {
  const { loadKubeConfig } = await import("../../daemon/src/adapters/kube-cluster.js");
  const { gatherDeliveryFacts } = await import("../../daemon/src/adapters/delivery-facts.js");
  try {
    return await gatherDeliveryFacts(loadKubeConfig(context));
  } catch {
    return { nodes: [] };
  }
};

/** What the cluster holds now, under the kubeconfig and --context. */
export const kubeLiveObjects = async (context: string | undefined): Promise<LiveObjects> => {
  const { loadKubeConfig } = await import("../../daemon/src/adapters/kube-cluster.js");
  const { createKubeLiveObjects } = await import("../../daemon/src/adapters/kube-live-objects.js");
  return createKubeLiveObjects(loadKubeConfig(context));
};

/** Exec and attach into pods, under the kubeconfig and --context. */
export const kubePodTerminal = async (context: string | undefined): Promise<PodTerminal> => {
  const { loadKubeConfig } = await import("../../daemon/src/adapters/kube-cluster.js");
  const { createKubeTerminal } = await import("../../daemon/src/adapters/kube-terminal.js");
  return createKubeTerminal(loadKubeConfig(context));
};

/**
 * Runs the daemon in this process until SIGTERM (its own composition root, daemon/src/main.ts); resolves with its
 * exit code. A failure that is the user's to fix (another daemon holds the lock, DEVLOOP_PORT is taken) is a UserError.
 */
export const runDaemonHere = async (context: string | undefined): Promise<number> => {
  const { DaemonStartError, runDaemon } = await import("../../daemon/src/main.js");
  const { ListenError } = await import("../../daemon/src/server/listen.js");
  try {
    return await runDaemon({ ...(context === undefined ? {} : { context }) });
  } catch (error) {
    if (error instanceof DaemonStartError || error instanceof ListenError) throw new UserError(error.message);
    throw error;
  }
};

