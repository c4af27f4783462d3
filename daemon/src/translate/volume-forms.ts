/**
 * Every form a service's volume can take, what it becomes, and how it differs from Docker: the "Volume forms" table of
 * docs/compose-support.md (support-doc.ts) is rendered from this list, and volume-forms.test.ts translates each
 * example and checks the pod against `expect`, so the doc cannot drift from the code.
 */
import type { ServiceVolumeSpec } from "../compose/types.js";

export interface VolumeForm {
  /** As a compose file writes it. */
  readonly form: string;
  /** The normalised volume the example translates. */
  readonly example: ServiceVolumeSpec;
  /** x-devloop keys the example needs. */
  readonly extensions?: Readonly<Record<string, unknown>>;
  /** What it becomes and how it behaves, for the doc. */
  readonly becomes: string;
  /** What the test checks in the translated pod. */
  readonly expect: {
    /** The kind of pod volume behind the mount. */
    readonly source: "emptyDir" | "persistentVolumeClaim" | "secret" | "hostPath";
    /** Init containers the pod gets for it. */
    readonly init: readonly ("devloop-seed" | "devloop-bind")[];
    /** Local edits are synced in (a live rule), and whether the container's writes come back. */
    readonly live?: { readonly pull: boolean };
    /** A warning code the form gets. */
    readonly warning?: string;
  };
}

const bind = (source: string, target: string, readOnly = false): ServiceVolumeSpec => ({ type: "bind", source, target, readOnly, createHostPath: true });

export const volumeForms: readonly VolumeForm[] = [
  {
    form: "`.:/app`, `./src:/app/src` (a directory of the project)",
    example: bind("/src/shop", "/app"),
    becomes:
      "an emptyDir. The process waits until devloop has put the tree there (the same sync as every edit, with .dockerignore, .gitignore and the mounts nested inside left out), so it starts with the source in place, in every new pod too: its own container waits (its command wrapped at apply, a startupProbe keeping it not ready meanwhile; `render --as-applied` shows it) where the command line is known — a compose entrypoint, an image devloop built, or a pinned image on the Docker engine the cluster runs on — else the pod waits in the devloop-bind init container that `render` shows (an image's ENTRYPOINT devloop cannot read, a bind another container also mounts). How the tree gets there: when the pod's kubelet runs on the daemon's own machine and the daemon runs as root (a local cluster such as the bed, k3s or minikube --driver=none), devloop writes it straight into the pod's emptyDir on this machine's disk while the pod starts, then gives it to the container's user; otherwise (a remote or virtual-machine node, a daemon that is not root, DEVLOOP_BIND_FILL=exec) through an exec into the waiting container once it runs. The disk is written only before the process starts; edits and what comes back go through exec either way. So does a `devloop run` pod (always in devloop-bind), which shares the bind as a one-off container does under Docker: the daemon puts the tree, syncs edits in while the command runs and brings back what it writes, as for the service's pods, with one last look once the command ends, before `devloop run` returns (so a migration or lock file written just before the end is on the host); develop.watch rules, restarts and compiled artifacts stay the service's. Edits are synced in (atomic replace). What the container creates or changes there comes back to the host every 2 s (a change on both sides keeps the host's copy and is reported); deletes made in the container, symlinks and files over 16 MiB stay in the pod. A missing directory is an empty one (created on the host when the container writes there).",
    expect: { source: "emptyDir", init: ["devloop-bind"], live: { pull: true } },
  },
  {
    form: "`./conf:/etc/app:ro` (read-only)",
    example: bind("/src/shop/conf", "/etc/app", true),
    becomes: "as above, but nothing comes back to the host. The directory is not read-only inside the container (devloop's sync writes there): what the container writes stays in the pod.",
    expect: { source: "emptyDir", init: ["devloop-bind"], live: { pull: false } },
  },
  {
    form: "`./nginx.conf:/etc/nginx/nginx.conf` (a file)",
    example: bind("/src/shop/nginx.conf", "/etc/nginx/nginx.conf"),
    becomes:
      "the service's `<service>-files` Secret, mounted with subPath. An edit of the file (any editor, inode replaced or not) reloads the project and rolls the pods: the process restarts with the new content, where Docker would show it in place.",
    expect: { source: "secret", init: [] },
  },
  {
    form: "`/var/run/docker.sock:/var/run/docker.sock`, `/etc/localtime:/etc/localtime:ro` (outside the project)",
    example: bind("/var/run/docker.sock", "/var/run/docker.sock"),
    becomes:
      "a warning (DL-TRANSLATE-005) and, like a project directory, an emptyDir devloop fills from your machine's path, which only works for ordinary files: a socket or device does not travel. `x-devloop.hostPath` mounts the node's path instead.",
    expect: { source: "emptyDir", init: ["devloop-bind"], live: { pull: true }, warning: "DL-TRANSLATE-005" },
  },
  {
    form: "a bind listed in `x-devloop.hostPath`",
    example: bind("/var/run/docker.sock", "/var/run/docker.sock"),
    extensions: { "x-devloop": { hostPath: ["/var/run/docker.sock"] } },
    becomes: "a hostPath volume: the node's path, not your machine's (they are the same only on a local single-node cluster).",
    expect: { source: "hostPath", init: [] },
  },
  {
    form: "`/app/node_modules` (anonymous volume)",
    example: { type: "volume", target: "/app/node_modules", readOnly: false, nocopy: false },
    becomes: "an emptyDir that the devloop-seed init container fills with what the image has at that path, in each new pod, as Docker fills a new anonymous volume. Inside a bind it hides the host's copy (not synced, not brought back).",
    expect: { source: "emptyDir", init: ["devloop-seed"] },
  },
  {
    form: "`data:/var/lib/data` (named volume, `external: true` too)",
    example: { type: "volume", source: "data", target: "/var/lib/data", readOnly: false, nocopy: false },
    becomes:
      "a PersistentVolumeClaim. On first use devloop-seed copies the image's content at that path into it, only when the volume is empty, and leaves a `.devloop-seeded` marker (written only when something was copied), so a restart never copies over data.",
    expect: { source: "persistentVolumeClaim", init: ["devloop-seed"] },
  },
  {
    form: "`data:/x:nocopy`, `volume: { nocopy: true }`",
    example: { type: "volume", source: "data", target: "/x", readOnly: false, nocopy: true },
    becomes: "the PersistentVolumeClaim (or emptyDir) without seeding.",
    expect: { source: "persistentVolumeClaim", init: [] },
  },
  {
    form: "`volume: { subpath: site }`",
    example: { type: "volume", source: "data", target: "/srv", readOnly: false, nocopy: false, subpath: "site" },
    becomes: "the claim mounted with subPath; seeding fills that sub-directory.",
    expect: { source: "persistentVolumeClaim", init: ["devloop-seed"] },
  },
  {
    form: "`type: tmpfs`, `tmpfs: [/run]`",
    example: { type: "tmpfs", target: "/scratch", readOnly: false, size: 64 * 1024 * 1024 },
    becomes: "an emptyDir with medium Memory and the size as its sizeLimit.",
    expect: { source: "emptyDir", init: [] },
  },
];
