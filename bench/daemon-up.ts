/**
 * P6: `devloop up --detach` cold (fresh state dir, so the daemon starts too; fresh namespace) against a fair kubectl
 * baseline: the same rendered manifests applied in the same depends_on waves, waiting for the same conditions
 * (kubectlInOrder), as a median ratio. Before it, the start-up costs of running from the TypeScript sources through
 * tsx against the run-time bundle (bin/run-time-build.js): `--version`, daemon start, a CLI round trip.
 * Needs the local cluster (scripts/local-cluster up; its env exported).
 * DEVLOOP_BENCH_RUNS sets the number of P6 runs (default 3). DEVLOOP_BENCH_COMPOSE picks the project: default bench/fixtures/up/compose.yml (the example's depends_on shape);
 * "compose.example.yml" runs the example itself, which needs images built (done here), a volume (a hostPath
 * PersistentVolume per run) and cluster DNS for headless Services (the bed's DNS watcher lacks it today).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { fingerprint } from "../bin/run-time-build.js";
import { fmt, median } from "./stats.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const devloop = join(root, "bin", "devloop.js");

const run = (cmd: string, args: readonly string[], env: NodeJS.ProcessEnv, input?: string): void => {
  const r = spawnSync(cmd, args, { cwd: root, env, input, encoding: "utf8", timeout: 600_000 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed (${r.status}): ${r.stderr}${r.stdout}`);
};

const persistentVolume = (name: string): string => {
  // The node is this machine: a world-writable directory, as the example's redis runs as uid 999.
  const path = join(tmpdir(), name);
  mkdirSync(path, { recursive: true });
  chmodSync(path, 0o777);
  return JSON.stringify({
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name, labels: { "devloop.dev/bench": "p6" } },
    spec: { capacity: { storage: "1Gi" }, accessModes: ["ReadWriteOnce"], persistentVolumeReclaimPolicy: "Delete", hostPath: { path, type: "Directory" } },
  });
};

const buildImages = (env: NodeJS.ProcessEnv): void => {
  const node = env["NODE_IMAGE"] ?? "node:20.18-bookworm-slim";
  run("docker", ["build", "-q", "--build-arg", `NODE_IMAGE=${node}`, "-t", "shop-web:devloop", "example/web"], env);
  run("docker", ["build", "-q", "--build-arg", `NODE_IMAGE=${node}`, "-t", "shop-migrate:devloop", "example/migrate"], env);
  run("docker", ["build", "-q", "--build-arg", `GO_IMAGE=${env["GO_IMAGE"] ?? "golang:1.22-bookworm"}`, "--build-arg", `RUNTIME_IMAGE=${env["RUNTIME_IMAGE"] ?? "debian:bookworm-20241016-slim"}`, "-t", "shop-api:devloop", "example/api"], env);
};

const timed = (fn: () => void): number => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};

interface ListDoc {
  readonly items: readonly { kind: string; metadata: { name: string; labels?: Record<string, string> } }[];
}
type Condition = "service_started" | "service_healthy" | "service_completed_successfully";
interface ConfigDoc {
  readonly services: Record<string, { depends_on?: Record<string, { condition?: Condition }> }>;
}

/**
 * The fair kubectl baseline: the same rendered objects applied in depends_on waves, waiting before each wave for the
 * conditions devloop waits for: service_healthy and service_started → `rollout status` of the dependency's Deployment
 * (devloop's "started" is a running pod; without a readiness probe that is when the rollout is done),
 * service_completed_successfully → `kubectl wait --for=condition=complete` of its Job. Objects of no service (the
 * Namespace) go first. At the end every Deployment is rolled out and every Job complete, as `up --detach` waits.
 */
export const kubectlInOrder = (params: { file: string; namespace: string; env: NodeJS.ProcessEnv }): { waves: string[][]; run: () => void } => {
  const { file, namespace, env } = params;
  const render = JSON.parse(execFileSync(process.execPath, [devloop, "render", "-f", file, "-n", namespace, "-o", "json"], { cwd: root, env, encoding: "utf8" })) as ListDoc;
  const config = JSON.parse(execFileSync(process.execPath, [devloop, "config", "-f", file, "--format", "json"], { cwd: root, env, encoding: "utf8" })) as ConfigDoc;
  const serviceOf = (o: ListDoc["items"][number]): string | undefined => o.metadata.labels?.["devloop.dev/service"];
  const services = Object.keys(config.services);
  const deps = (s: string): [string, Condition][] => Object.entries(config.services[s]?.depends_on ?? {}).map(([d, v]) => [d, v.condition ?? "service_started"]);
  const waves: string[][] = [];
  const placed = new Set<string>();
  while (placed.size < services.length) {
    const wave = services.filter((s) => !placed.has(s) && deps(s).every(([d]) => placed.has(d)));
    if (wave.length === 0) throw new Error("depends_on cycle");
    wave.forEach((s) => placed.add(s));
    waves.push(wave);
  }
  const workload = (s: string): string => {
    const o = render.items.find((i) => serviceOf(i) === s && (i.kind === "Deployment" || i.kind === "Job"));
    if (!o) throw new Error(`no workload for ${s}`);
    return `${o.kind.toLowerCase()}/${o.metadata.name}`;
  };
  const waited = new Set<string>();
  const wait = (s: string): void => {
    if (waited.has(s)) return;
    waited.add(s);
    const w = workload(s);
    if (w.startsWith("job/")) run("kubectl", ["-n", namespace, "wait", "--for=condition=complete", w, "--timeout=300s"], env);
    else run("kubectl", ["-n", namespace, "rollout", "status", w, "--timeout=300s"], env);
  };
  const apply = (items: ListDoc["items"]): void => run("kubectl", ["apply", "-f", "-"], env, JSON.stringify({ apiVersion: "v1", kind: "List", items }));
  return {
    waves,
    run: () => {
      apply(render.items.filter((i) => serviceOf(i) === undefined));
      for (const wave of waves) {
        for (const s of wave) for (const [d] of deps(s)) wait(d);
        apply(render.items.filter((i) => wave.includes(serviceOf(i) ?? "")));
      }
      for (const s of services) wait(s);
    },
  };
};

/** Runs a node script (ESM) and returns its stdout: for the measurements that need a poll loop. */
const nodeScript = (code: string, env: NodeJS.ProcessEnv): string => {
  const r = spawnSync(process.execPath, ["--input-type=module", "-e", code], { cwd: root, env, encoding: "utf8", timeout: 300_000 });
  if (r.status !== 0) throw new Error(`measurement script failed: ${r.stderr}`);
  return r.stdout;
};

/**
 * ms from spawning `devloop daemon` to its /api/health answering (fresh state dir), then stopped with SIGTERM.
 * `bin`: which devloop (default the clone's bin/devloop.js; bench/package-start.ts passes an installed package's).
 */
export const daemonStartMs = (env: NodeJS.ProcessEnv, bin = devloop): number =>
  Number(
    nodeScript(
      `import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { loadavg, tmpdir } from "node:os";
const dir = mkdtempSync(join(tmpdir(), "devloop-bench-"));
const start = performance.now();
const child = spawn(process.execPath, [${JSON.stringify(bin)}, "daemon"], { env: { ...process.env, DEVLOOP_STATE_DIR: dir }, stdio: "ignore" });
let ms;
while (ms === undefined) {
  await new Promise((r) => setTimeout(r, 20));
  try {
    const { port } = JSON.parse(readFileSync(join(dir, "daemon.json"), "utf8"));
    if ((await fetch("http://127.0.0.1:" + port + "/api/health")).ok) ms = performance.now() - start;
  } catch {}
  if (performance.now() - start > 120000) throw new Error("daemon did not start");
}
child.kill("SIGTERM");
await new Promise((r) => child.once("exit", r));
rmSync(dir, { recursive: true, force: true });
process.stdout.write(String(ms));`,
      env,
    ),
  );

export interface StartupBench {
  readonly fingerprintMs: number[];
  readonly buildColdMs: number;
  readonly buildAppMs: number;
  /** [tsx, bundle] samples, alternating. */
  readonly version: [number[], number[]];
  readonly daemonStart: [number[], number[]];
  readonly roundTrip: [number[], number[]];
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/** Builds into an empty cache (app + vendor), then the app alone with the vendor bundle cached, in a child process. */
const buildTimes = (env: NodeJS.ProcessEnv): { cold: number; app: number } =>
  JSON.parse(
    nodeScript(
      `import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import { tmpdir } from "node:os";
import { buildBundle, resolveBundle } from ${JSON.stringify(pathToFileURL(join(root, "bin", "run-time-build.js")).href)};
const root = ${JSON.stringify(root)};
const cache = mkdtempSync(join(tmpdir(), "devloop-bench-cache-"));
let start = performance.now();
const cold = await resolveBundle({ root, cacheDir: cache });
const coldMs = performance.now() - start;
if (!("entry" in cold)) throw new Error(cold.error);
start = performance.now();
await buildBundle({ root, outDir: join(cache, "again"), vendorDir: join(cache, "vendor") });
process.stdout.write(JSON.stringify({ cold: coldMs, app: performance.now() - start }));
rmSync(cache, { recursive: true, force: true });`,
      env,
    ),
  ) as { cold: number; app: number };

/** Start-up costs, tsx (DEVLOOP_FROM_SOURCE=1) against the run-time bundle, measured alternately. */
export const benchStartup = (env: NodeJS.ProcessEnv, runs = { version: 7, daemon: 3, roundTrip: 7 }): StartupBench => {
  const fingerprintMs: number[] = [];
  for (let i = 0; i < 20; i++) fingerprintMs.push(timed(() => fingerprint(root)));
  const build = buildTimes(env);
  const tsx = { ...env, DEVLOOP_FROM_SOURCE: "1" };
  const bundle = { ...env, DEVLOOP_FROM_SOURCE: "" };
  run(process.execPath, [devloop, "--version"], bundle); // builds the bundle the timed runs use, if missing
  const pair = (n: number, measure: (e: NodeJS.ProcessEnv) => number): [number[], number[]] => {
    const out: [number[], number[]] = [[], []];
    for (let i = 0; i < n; i++) {
      out[0].push(measure(tsx));
      out[1].push(measure(bundle));
    }
    return out;
  };
  const version = pair(runs.version, (e) => timed(() => run(process.execPath, [devloop, "--version"], e)));
  const daemonStart = pair(runs.daemon, (e) => daemonStartMs(e));
  // A CLI round trip: `devloop status --json` against a running daemon (itself from the bundle).
  const stateDir = mkdtempSync(join(tmpdir(), "devloop-bench-"));
  const daemon = spawn(process.execPath, [devloop, "daemon"], { env: { ...bundle, DEVLOOP_STATE_DIR: stateDir }, stdio: "ignore" });
  try {
    const deadline = Date.now() + 120_000;
    while (!existsSync(join(stateDir, "daemon.json"))) {
      if (Date.now() > deadline) throw new Error("daemon did not start");
      sleep(50);
    }
    const roundTrip = pair(runs.roundTrip, (e) => timed(() => run(process.execPath, [devloop, "status", "--json"], { ...e, DEVLOOP_STATE_DIR: stateDir })));
    return { fingerprintMs, buildColdMs: build.cold, buildAppMs: build.app, version, daemonStart, roundTrip };
  } finally {
    daemon.kill("SIGTERM");
    sleep(500);
    rmSync(stateDir, { recursive: true, force: true });
  }
};

export interface UpBench {
  readonly file: string;
  readonly waves: string[][];
  readonly devloopMs: number[];
  /** Runs during which the sources changed (another engineer's edit), so the timed `up` included a rebuild. */
  readonly rebuilt: boolean[];
  readonly kubectlMs: number[];
  readonly load: { before: number[]; after: number[] };
  readonly startup: StartupBench;
}

export const benchDaemonUp = (runs = Number(process.env["DEVLOOP_BENCH_RUNS"] ?? 3)): UpBench => {
  const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: "1", DEVLOOP_FROM_SOURCE: "" };
  const file = env["DEVLOOP_BENCH_COMPOSE"] ?? "bench/fixtures/up/compose.yml";
  const example = file === "compose.example.yml";
  if (example) buildImages(env);
  const before = loadavg();
  const startup = benchStartup(env);
  const result = { file, waves: [] as string[][], devloopMs: [] as number[], rebuilt: [] as boolean[], kubectlMs: [] as number[], startup };
  for (let i = 0; i < runs; i++) {
    const id = `${Date.now().toString(36)}${i}`;
    // devloop: new state dir (the CLI starts the daemon), new namespace; the bundle built beforehand, as after any earlier command.
    const stateDir = mkdtempSync(join(tmpdir(), "devloop-bench-"));
    const nsA = `p6-devloop-${id}`;
    const denv = { ...env, DEVLOOP_STATE_DIR: stateDir };
    if (example) run("kubectl", ["apply", "-f", "-"], env, persistentVolume(`${nsA}-pv`));
    run(process.execPath, [devloop, "--version"], env);
    const fp = fingerprint(root);
    result.devloopMs.push(timed(() => run(process.execPath, [devloop, "up", "-d", "-f", file, "-n", nsA, "--no-isolation", "--wait-timeout", "300"], denv)));
    result.rebuilt.push(fingerprint(root) !== fp);
    run(process.execPath, [devloop, "down", "-f", file, "-v"], denv);
    run(process.execPath, [devloop, "daemon", "stop"], denv);
    rmSync(stateDir, { recursive: true, force: true });

    // kubectl: the same manifests, in the same depends_on order, waiting for the same conditions.
    const nsB = `p6-kubectl-${id}`;
    if (example) run("kubectl", ["apply", "-f", "-"], env, persistentVolume(`${nsB}-pv`));
    const baseline = kubectlInOrder({ file, namespace: nsB, env });
    result.waves = baseline.waves;
    result.kubectlMs.push(timed(baseline.run));
    run("kubectl", ["delete", "namespace", nsB, "--wait=false"], env);
    run("kubectl", ["delete", "pv", "-l", "devloop.dev/bench=p6", "--wait=false"], env);
  }
  return { ...result, load: { before, after: loadavg() } };
};

const list = (xs: readonly number[]): string => xs.map((x) => x.toFixed(0)).join(", ");
const row = (what: string, [tsx, bundle]: [number[], number[]]): string =>
  `| ${what} | ${list(tsx)} | ${fmt(median(tsx))} | ${list(bundle)} | ${fmt(median(bundle))} | ${(median(tsx) / median(bundle)).toFixed(2)}× |`;
const load = (l: number[]): string => l.map((x) => x.toFixed(1)).join(" / ");

export const formatDaemonUp = (r: UpBench): string => {
  const d = median(r.devloopMs);
  const k = median(r.kubectlMs);
  const s = r.startup;
  return [
    `Project: ${r.file}; load average (1/5/15 min) ${load(r.load.before)} before, ${load(r.load.after)} after.`,
    "",
    "Start-up, from the TypeScript sources through tsx (DEVLOOP_FROM_SOURCE=1) and from the run-time bundle, alternating:",
    "",
    "| what | tsx runs (ms) | tsx median | bundle runs (ms) | bundle median | speed-up |",
    "| --- | --- | --- | --- | --- | --- |",
    row("`devloop --version`", s.version),
    row("`devloop daemon` spawn → /api/health answers", s.daemonStart),
    row("CLI round trip: `devloop status --json` to a running daemon", s.roundTrip),
    "",
    `Source fingerprint (stat of every bundled file): median ${fmt(median(s.fingerprintMs))} of ${s.fingerprintMs.length} in one process (first ${fmt(s.fingerprintMs[0] ?? Number.NaN)}). ` +
      `Bundle build into an empty cache (app + vendored @kubernetes/client-node and express): ${fmt(s.buildColdMs)}; app only (after a source edit, vendor cached): ${fmt(s.buildAppMs)}.`,
    "",
    `P6 (kubectl waves: ${r.waves.map((w) => `[${w.join(", ")}]`).join(" → ")}):`,
    "",
    "| what | runs (ms) | median |",
    "| --- | --- | --- |",
    `| devloop up --detach (cold: daemon start + apply in depends_on order + ready) | ${r.devloopMs.map((x, i) => `${x.toFixed(0)}${r.rebuilt[i] ? "*" : ""}`).join(", ")} | ${fmt(d)} |`,
    `| kubectl apply in the same depends_on waves + the same waits (rollout status / job complete) | ${list(r.kubectlMs)} | ${fmt(k)} |`,
    ...(r.rebuilt.some(Boolean) ? ["", "\\* the sources changed during this run (a parallel edit), so it includes a bundle rebuild."] : []),
    "",
    `Median ratio devloop / kubectl: **${(d / k).toFixed(2)}** (target ≤ 1.2).`,
  ].join("\n");
};
