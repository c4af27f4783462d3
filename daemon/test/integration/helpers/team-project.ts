/**
 * The projects and the teammate the team-cluster tests share (daemon-team-identity, two-node-registry): a built
 * node service `web` in ./app, its compose file (on node 2 when asked: a toleration of node 2's taint through an
 * x-devloop template, and a placement constraint), and a namespace-scoped identity minted by
 * scripts/mint-dev-identity under a non-local context name.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { bedKubeconfigPath } from "./kube-config.js";

/** The bed's second node (DEVLOOP_BED_NODE2*, from `local-cluster env`): its hostname and its taint's key. */
export interface Node2 {
  readonly node: string;
  readonly taint: string;
}

export interface WebProject {
  readonly name: string;
  /** The base image of the service's Dockerfile (ARG NODE_IMAGE). */
  readonly nodeImage: string;
  /** Published as `<port>:8080`. */
  readonly port?: number;
  /** Run on node 2. */
  readonly node2?: Node2;
  /** develop.watch syncs ./app to /app. */
  readonly watch?: boolean;
  /** More lines of the service, indented under `web:` (an x-devloop compile block…). */
  readonly more?: readonly string[];
}

/** The compose file of a one-service project whose `web` is built from ./app. */
export const webCompose = ({ name, nodeImage, port, node2, watch = false, more = [] }: WebProject): string =>
  [
    `name: ${name}`,
    ...(node2 === undefined ? [] : ["x-devloop:", "  templates:", "    Deployment:", "      spec:", "        template:", "          spec:", `            tolerations: [{ key: ${node2.taint}, operator: Exists, effect: NoSchedule }]`]),
    "services:",
    "  web:",
    `    build: { context: ./app, args: { NODE_IMAGE: ${nodeImage} } }`,
    ...(port === undefined ? [] : [`    ports: ["${port}:8080"]`]),
    ...(node2 === undefined ? [] : [`    deploy: { placement: { constraints: ["node.hostname == ${node2.node}"] } }`]),
    ...(watch ? ["    develop:", "      watch:", "        - action: sync", "          path: ./app", "          target: /app"] : []),
    ...more.map((line) => `    ${line}`),
    "",
  ].join("\n");

/** A server on 8080 that answers the text of /app/message.txt and logs `<label> server listening on 8080`. */
export const messageServer = (label: string): string =>
  `const fs = require("fs");\nrequire("http").createServer((q, s) => s.end(fs.readFileSync("/app/message.txt", "utf8"))).listen(8080, () => console.log("${label} server listening on 8080"));\n`;

/** Writes the project: compose.yml, and ./app with its Dockerfile (node on /app/server.js) and the files given. */
export const writeWebProject = (dir: string, project: WebProject, app: Readonly<Record<string, string>>): void => {
  mkdirSync(join(dir, "app"), { recursive: true });
  writeFileSync(join(dir, "app", "Dockerfile"), "ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nWORKDIR /app\nCOPY . /app\nCMD [\"node\", \"/app/server.js\"]\n");
  for (const [file, text] of Object.entries(app)) writeFileSync(join(dir, "app", file), text);
  writeFileSync(join(dir, "compose.yml"), webCompose(project));
};

/** As the bed's admin: a namespace and a teammate's identity with `edit` in it alone, its kubeconfig at `out`. */
export const mintTeammate = (repoRoot: string, namespace: string, context: string, out: string): void => {
  const mint = spawnSync("bash", [join(repoRoot, "scripts", "mint-dev-identity"), namespace, "--context", context, "--out", out], { env: { ...process.env, KUBECONFIG: bedKubeconfigPath() }, encoding: "utf8" });
  if (mint.status !== 0) throw new Error(`mint-dev-identity failed: ${mint.stderr}`);
};

/** What a team test ends with: its daemon (daemon-support's test daemon), the namespaces it made, its folder. */
export interface TeamTestEnd {
  readonly daemon: { stop(): Promise<void>; readonly stateDir: string; cli(args: readonly string[], cwd: string, timeoutMs?: number): Promise<unknown> };
  readonly deleteNamespace: (name: string) => Promise<unknown>;
  readonly namespaces: readonly string[];
  readonly dir: string;
  /** Run `devloop down` in dir first (its failure ignored). */
  readonly down?: boolean;
}

/** Down when asked, the daemon stopped, the namespaces deleted, the project's folder and the daemon's state removed. */
export const endTeamTest = async ({ daemon, deleteNamespace, namespaces, dir, down = false }: TeamTestEnd): Promise<void> => {
  if (down) await daemon.cli(["down"], dir, 200_000).catch(() => undefined);
  await daemon.stop();
  for (const name of namespaces) await deleteNamespace(name).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  rmSync(daemon.stateDir, { recursive: true, force: true });
};
