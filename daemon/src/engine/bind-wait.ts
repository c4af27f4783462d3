/**
 * The app container waits for its bind fill itself (issue 10), instead of the pod waiting in the devloop-bind init
 * container (translate/bind-mounts.ts): at apply, like the supervisor's completion from the built image
 * (built-image.ts), a pod template's devloop-bind init container (or a sidecar's, devloop-bind-<container>) is taken
 * out, and the one container that mounts its binds gets
 *   its command line    run by `sh -c '<trap>; until [ -e /.devloop-bind/ready ]; do sleep 0.05; done; exec "$@"'
 *                       devloop-bind <argv…>`, or, already under the supervisor, that wait as the first line of the
 *                       supervisor's own script (one shell, not two);
 *   the signal volume   mounted at /.devloop-bind, as devloop-bind had it;
 *   a startupProbe      that the ready file exists (bind-mounts.ts bindWaitProbe): the container is neither started
 *                       nor ready while it waits, and no other probe runs before. The kubelet of 1.19–1.21 marks a
 *                       container with a startupProbe and no readinessProbe ready only on its next sync of the pod,
 *                       up to a minute after it started (kubernetes#95140, seen on the bed: Ready 54 s after the
 *                       fill): the sync controller annotates such a pod once it has started (devloop.dev/bind-filled),
 *                       a pod update the kubelet syncs at once.
 * The fill then goes into that container (engine/live/bind-fill.ts), which runs from the pod's start: the kubelet's
 * handover from an init container that ended to the app container (its next relist, up to a second, and the
 * container's create and start) is gone from the first up.
 *
 * argv is the container's command + args when translate wrote its command (compose entrypoint, or command with the
 * entrypoint reset, or the supervisor), else the image's ENTRYPOINT + (args, or its CMD): the built image's, or, for
 * an image devloop did not build, the one on the Docker engine the kubelet runs on (the project's delivery is that
 * engine; a pinned tag: bindWaitImages). The init container stays, as before, where argv cannot be known (an image
 * not on that engine, a cluster that does not share it, :latest), where another container also mounts the binds
 * (volumes_from: it would run while the tree goes in), and in `devloop run` pods (cli/src/one-off-pod.ts replaces the
 * command; `withBindWait` is not applied there).
 * Pure.
 */
import type { ImageCommand } from "../ports/image-builder.js";
import { supervised, supervisorName } from "../supervisor/supervisor.js";
import { bindContainerName, bindSignalDir, bindWaitLine, bindWaitName, bindWaitProbe, bindWaitScript } from "../translate/bind-mounts.js";
import { escapeKubeExpansion } from "../translate/escape.js";
import type { KubeManifest } from "../translate/types.js";

interface Mount {
  readonly name?: unknown;
  readonly mountPath?: unknown;
}
interface Container {
  readonly name?: unknown;
  readonly image?: unknown;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly volumeMounts?: readonly Mount[];
  readonly [field: string]: unknown;
}
interface PodSpec {
  readonly containers?: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly [field: string]: unknown;
}

const isBindInit = (c: Container): boolean => c.name === bindContainerName || (typeof c.name === "string" && c.name.startsWith(`${bindContainerName}-`));

/** The argv of a container without a command of its own: the built image's ENTRYPOINT + (its args, or the CMD). */
const argvOf = (c: Container, images: Readonly<Record<string, ImageCommand>>): readonly string[] | undefined => {
  const image = typeof c.image === "string" ? images[c.image] : undefined;
  if (image === undefined) return undefined;
  const argv = [...image.entrypoint.map(escapeKubeExpansion), ...(c.args ?? image.cmd.map(escapeKubeExpansion))];
  return argv.length > 0 ? argv : undefined;
};

/** The container's command line with the wait in front, or undefined when its argv is not known. */
const waiting = (c: Container, images: Readonly<Record<string, ImageCommand>>): { command: string[]; args: string[] } | undefined => {
  if (c.command?.[3] === supervisorName) return supervised(c.args ?? [], bindWaitLine);
  if (c.command !== undefined && c.command.length > 0) return { command: ["/bin/sh", "-c", bindWaitScript, bindWaitName], args: [...c.command, ...(c.args ?? [])] };
  const argv = argvOf(c, images);
  return argv === undefined ? undefined : { command: ["/bin/sh", "-c", bindWaitScript, bindWaitName], args: [...argv] };
};

/** The one container that mounts a devloop-bind init container's binds (same image), and the init's signal mount. */
const foldTarget = (init: Container, containers: readonly Container[]): { app: Container; signal: Mount } | undefined => {
  const mounts = init.volumeMounts ?? [];
  const signal = mounts.find((m) => m.mountPath === bindSignalDir);
  const binds = new Set(mounts.filter((m) => m !== signal).map((m) => m.name));
  const users = containers.filter((c) => (c.volumeMounts ?? []).some((m) => binds.has(m.name)));
  const app = users.length === 1 ? users[0] : undefined;
  return app === undefined || signal === undefined || app.image !== init.image ? undefined : { app, signal };
};

/** A tag the kubelet may pull again (no tag, :latest, or pull policy Always): what runs may not be what was inspected. */
const mayChange = (c: Container): boolean => {
  const image = typeof c.image === "string" ? c.image : "";
  const tag = /:([^:/@]+)$/.exec(image)?.[1];
  return c["imagePullPolicy"] === "Always" || (!image.includes("@") && (tag === undefined || tag === "latest"));
};

/** A manifest's pod spec: a bare Pod's own, or its pod template's. */
const podSpecOf = (m: KubeManifest): PodSpec | undefined => {
  const spec = m["spec"] as ({ template?: { spec?: PodSpec } } & PodSpec) | undefined;
  return m.kind === "Pod" ? spec : spec?.template?.spec;
};

const podSpecsOf = (manifests: readonly KubeManifest[]): PodSpec[] => manifests.flatMap((m): PodSpec[] => { const spec = podSpecOf(m); return spec === undefined ? [] : [spec]; });

/**
 * The images whose ENTRYPOINT/CMD would let a devloop-bind be folded and are not in `known`: app containers without a
 * command of their own, on a pinned tag (not :latest, no pull policy Always). The apply reads them from the Docker
 * engine the kubelet runs on, when the project's delivery says it shares it (apply-controller.ts).
 */
export const bindWaitImages = (manifests: readonly KubeManifest[], known: Readonly<Record<string, ImageCommand>>): string[] => {
  const out = new Set<string>();
  for (const spec of podSpecsOf(manifests)) {
    for (const init of (spec.initContainers ?? []).filter(isBindInit)) {
      const app = foldTarget(init, spec.containers ?? [])?.app;
      if (app === undefined || (app.command !== undefined && app.command.length > 0) || typeof app.image !== "string" || known[app.image] !== undefined || mayChange(app)) continue;
      out.add(app.image);
    }
  }
  return [...out];
};

/** One pod spec: each devloop-bind init container whose app container can wait itself is folded into it. */
export const bindWaitPodSpec = <S extends PodSpec>(spec: S, images: Readonly<Record<string, ImageCommand>>): S => {
  let containers = [...(spec.containers ?? [])];
  const kept: Container[] = [];
  for (const init of spec.initContainers ?? []) {
    if (!isBindInit(init)) { kept.push(init); continue; }
    const target = foldTarget(init, containers);
    const line = target === undefined ? undefined : waiting(target.app, images);
    if (target === undefined || line === undefined) { kept.push(init); continue; }
    const { app, signal } = target;
    const folded: Container = { ...app, ...line, startupProbe: bindWaitProbe, volumeMounts: [...(app.volumeMounts ?? []), { name: signal.name, mountPath: bindSignalDir }] };
    containers = containers.map((c) => (c === app ? folded : c));
  }
  if (kept.length === (spec.initContainers ?? []).length) return spec;
  const out: Record<string, unknown> = { ...spec, containers };
  if (kept.length > 0) out["initContainers"] = kept;
  else delete out["initContainers"];
  return out as S;
};

/**
 * Every pod template (and bare Pod) of the manifests with its bind waits folded in where they can be. `images`: the
 * built image's ENTRYPOINT/CMD by the reference the templates run (after built-image.ts withBuiltImage).
 */
export const withBindWait = (manifests: readonly KubeManifest[], images: Readonly<Record<string, ImageCommand>> = {}): readonly KubeManifest[] =>
  manifests.map((m) => {
    const podSpec = podSpecOf(m);
    const folded = podSpec === undefined ? undefined : bindWaitPodSpec(podSpec, images);
    if (folded === undefined || folded === podSpec) return m;
    if (m.kind === "Pod") return { ...m, spec: folded };
    const spec = m["spec"] as { template?: Record<string, unknown> };
    return { ...m, spec: { ...spec, template: { ...spec.template, spec: folded } } };
  });
