/**
 * The pod `devloop run SERVICE [CMD…]` starts: the service's pod template as `up` applies it (image — the built
 * content-hash tag for build: services —, environment, volumes, network labels, resources), with only the
 * service's own container, no probes, restartPolicy Never, and the command Compose would run. It does not carry
 * the service's label, so the service's Kubernetes Service never routes to it and status does not count it; it
 * carries the project's label and devloop.dev/run=<service>, so the daemon's watch sees it and its live loop treats it
 * as a sync target of the service's directory binds (engine/live/live-pods.ts): the tree is put into its devloop-bind
 * container, edits reach it and what it writes there comes back, as for the service's own pods.
 */
import { bindContainerName, runBindsContainer } from "../../daemon/src/translate/bind-mounts.js";
import { Labels, toLabelValue } from "../../daemon/src/translate/labels.js";
import { toDnsLabel } from "../../daemon/src/translate/names.js";
import type { KubeManifest } from "../../daemon/src/translate/types.js";
import { UserError } from "./user-error.js";

const workloadKinds = new Set(["Deployment", "StatefulSet", "DaemonSet", "Job"]);

/** Labels of the service's pods that must not be on a one-off pod (its Service and devloop's status select on them). */
const dropped = new Set([Labels.service, Labels.name, "app.kubernetes.io/instance"]);

export interface OneOffParams {
  readonly manifests: readonly KubeManifest[];
  readonly project: string;
  readonly service: string;
  readonly namespace: string;
  /** CMD…: replaces the service's command (the image's CMD), as in Compose. Empty = the service's own. */
  readonly command: readonly string[];
  /** The service's compose command and entrypoint (undefined: the image's). */
  readonly composeCommand?: readonly string[] | null;
  readonly composeEntrypoint?: readonly string[] | null;
  /** --entrypoint, split like a shell would. */
  readonly entrypoint?: readonly string[];
  readonly env: readonly string[];
  readonly user?: string;
  readonly workdir?: string;
  readonly tty: boolean;
  /** A few random characters, for a unique name. */
  readonly suffix: string;
}

interface Container {
  name: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string; valueFrom?: unknown }[];
  workingDir?: string;
  securityContext?: Record<string, unknown>;
  [key: string]: unknown;
}

interface PodTemplate {
  metadata?: { labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; restartPolicy?: string; [key: string]: unknown };
}

const templateOf = (m: KubeManifest): PodTemplate | undefined => {
  const spec = m["spec"] as { template?: PodTemplate; jobTemplate?: { spec?: { template?: PodTemplate } } } | undefined;
  return spec?.template ?? spec?.jobTemplate?.spec?.template;
};

/** Splits --entrypoint "sh -c" as a shell would for simple words and quotes. */
export const splitShellWords = (text: string): string[] => {
  const words: string[] = [];
  const re = /"((?:[^"\\]|\\.)*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(text); m !== null; m = re.exec(text)) words.push(m[1] !== undefined ? m[1].replace(/\\(.)/g, "$1") : (m[2] ?? m[3] ?? ""));
  return words;
};

export const oneOffPod = (p: OneOffParams): { readonly pod: KubeManifest; readonly container: string } => {
  const label = toLabelValue(p.service);
  const workload = p.manifests.find((m) => workloadKinds.has(m.kind) && m.metadata.labels?.["devloop.dev/service"] === label);
  const template = workload === undefined ? undefined : templateOf(workload);
  if (template === undefined) {
    const host = p.manifests.find((m) => m.metadata.annotations?.["devloop.dev/sidecars"]?.split(",").includes(p.service) === true);
    throw new UserError(host === undefined ? `no workload for service ${p.service} in the rendered project` : `${p.service} runs as a sidecar of ${host.metadata.name}; run a command in it with devloop exec ${p.service} instead`);
  }
  const own = template.spec.containers.find((c) => c.name === p.service || c.name === toDnsLabel(p.service)) ?? template.spec.containers[0];
  if (own === undefined) throw new UserError(`the pod template of ${p.service} has no containers`);
  const container: Container = { ...own };
  delete container["readinessProbe"];
  delete container["livenessProbe"];
  delete container["startupProbe"];
  delete container["ports"];
  delete container.command;
  delete container.args;
  // Compose: CMD… replaces the command; --entrypoint replaces the entrypoint (and resets the command unless CMD… is given).
  const entrypoint = p.entrypoint ?? p.composeEntrypoint ?? undefined;
  const args = p.command.length > 0 ? p.command : p.entrypoint !== undefined ? [] : (p.composeCommand ?? undefined);
  if (entrypoint !== undefined && entrypoint !== null) container.command = [...entrypoint];
  if (args !== undefined && args !== null) {
    container.args = [...args];
    // Without an entrypoint of its own, Kubernetes runs args under the image's ENTRYPOINT, as Docker runs CMD.
  }
  if (p.env.length > 0) {
    const extra = p.env.map((kv) => ({ name: kv.slice(0, kv.indexOf("=")), value: kv.slice(kv.indexOf("=") + 1) }));
    container.env = [...(container.env ?? []).filter((e) => !extra.some((x) => x.name === e.name)), ...extra];
  }
  if (p.workdir !== undefined) container.workingDir = p.workdir;
  if (p.user !== undefined) {
    const uid = Number(p.user);
    if (!/^\d+$/.test(p.user)) throw new UserError(`-u expects a numeric user id on Kubernetes (runAsUser); got "${p.user}"`);
    container.securityContext = { ...(container.securityContext ?? {}), runAsUser: uid };
  }
  if (p.tty) Object.assign(container, { stdin: true, stdinOnce: true, tty: true });
  // devloop-bind stays: the pod waits there until the daemon's live loop has put the bind-mounted source.
  const initContainers = template.spec.initContainers ?? [];
  const labels = Object.fromEntries(Object.entries(template.metadata?.labels ?? {}).filter(([k]) => !dropped.has(k) && !k.startsWith("sidecar.devloop.dev/")));
  const name = toDnsLabel(`${p.project}-${p.service}-run-${p.suffix}`);
  // With directory binds, devloop-run-binds beside the command's container: the daemon syncs and pulls through it, and
  // it ends once what the command wrote has come back (translate/bind-mounts.ts).
  const bindInit = initContainers.find((c) => c.name === bindContainerName);
  const containers = bindInit === undefined ? [container] : [container, runBindsContainer(bindInit) as Container];
  const spec: Record<string, unknown> = { ...template.spec, containers, restartPolicy: "Never" };
  if (initContainers.length > 0) spec["initContainers"] = initContainers;
  else delete spec["initContainers"];
  delete spec["hostname"];
  delete spec["subdomain"];
  return {
    container: container.name,
    pod: {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name, namespace: p.namespace, labels: { ...labels, [Labels.managedBy]: "devloop", [Labels.project]: toLabelValue(p.project), [Labels.run]: label } },
      spec,
    },
  };
};
