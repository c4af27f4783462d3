/**
 * Compose projects written the way public ones are (fixtures/real-world/), brought up by the real daemon on the bed
 * (issue 10): a Node app with `.:/app` and an anonymous node_modules volume, a Python app with `./:/code` beside a
 * stateful service whose named volume its image seeds, and a server whose config file is bind-mounted. Each checks what the project serves, then makes one edit on the host and sees it served.
 */
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { bin, createTestDaemon, freePort, kube, sleep, suffix } from "./daemon-support.js";
import { bedImages, execInPod, loadBedKubeConfig } from "./helpers/index.js";
import { fetchUntil, realWorldCopy } from "./helpers/real-world.js";

describe("real-world compose projects with bind mounts, on the local cluster", () => {
  const daemon = createTestDaemon();
  const { core } = kube();
  const kc = loadBedKubeConfig();
  const node = { copy: realWorldCopy("node-bind-node-modules"), namespace: `dlbind${suffix()}`, port: 0 };
  const config = { copy: realWorldCopy("config-file-bind"), namespace: `dlconf${suffix()}`, port: 0 };
  const python = { copy: realWorldCopy("python-bind-named-volume"), namespace: `dlpy${suffix()}`, port: 0, notesPort: 0 };

  const podOf = async (namespace: string, service: string): Promise<string> => {
    const pods = await core.listNamespacedPod({ namespace, labelSelector: `devloop.dev/service=${service}` });
    const pod = pods.items.find((p) => p.status?.phase === "Running" && p.metadata?.deletionTimestamp === undefined);
    if (!pod?.metadata?.name) throw new Error(`no running ${service} pod in ${namespace}`);
    return pod.metadata.name;
  };

  beforeAll(async () => {
    node.port = await freePort();
    config.port = await freePort();
    python.port = await freePort();
    python.notesPort = await freePort();
    Object.assign(daemon.env, {
      NODE_IMAGE: bedImages().node, PYTHON_IMAGE: bedImages().python,
      APP_PORT: String(node.port), SERVER_PORT: String(config.port), WEB_PORT: String(python.port), NOTES_PORT: String(python.notesPort),
    });
    // The developer ran npm install on the host once: that node_modules must stay hidden behind the anonymous volume.
    mkdirSync(node.copy.file("node_modules/greet"), { recursive: true });
    writeFileSync(node.copy.file("node_modules/greet/package.json"), '{ "name": "greet", "main": "index.js" }');
    writeFileSync(node.copy.file("node_modules/greet/index.js"), 'module.exports = () => "the HOST node_modules leaked in";');
    await daemon.start();
  }, 60_000);

  afterAll(async () => {
    for (const p of [node, config, python]) {
      await daemon.cli(["down", "-n", p.namespace, "--volumes"], p.copy.dir, 120_000).catch(() => undefined);
      await core.deleteNamespace({ name: p.namespace }).catch(() => undefined);
      p.copy.remove();
    }
    await daemon.stop();
  }, 180_000);

  it("a Node app with .:/app and an anonymous node_modules volume starts with the source in place and the image's modules", async () => {
    const up = await daemon.cli(["up", "-n", node.namespace, "--detach", "--wait-timeout", "240"], node.copy.dir, 300_000);
    expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
    const url = `http://127.0.0.1:${node.port}/`;
    // server.js and message.txt come from the bind (the tree devloop put before the container started); greet from
    // the image's node_modules, seeded into the anonymous volume.
    expect(await fetchUntil(url, (b) => b.includes("first message"), 60_000, "the first answer")).toBe("greetings, devloop, from node_modules | first message\n");
    // No restart was needed to get there: the container never saw an empty /app.
    const pod = await podOf(node.namespace, "app");
    const status = (await core.readNamespacedPod({ namespace: node.namespace, name: pod })).status;
    expect(status?.containerStatuses?.[0]?.restartCount).toBe(0);
    // The host's node_modules was not synced into the pod.
    const modules = await execInPod(kc, { namespace: node.namespace, pod, container: "app", command: ["cat", "/app/node_modules/greet/index.js"], timeoutMs: 30_000 });
    expect(modules.stdout).not.toContain("HOST");
  }, 330_000);

  it("an edit of a bind-mounted file on the host is served, replaced atomically as editors do", async () => {
    const url = `http://127.0.0.1:${node.port}/`;
    // An editor that writes a new file and renames it over the old one (a new inode).
    writeFileSync(node.copy.file(".message.txt.swp"), "second message\n");
    renameSync(node.copy.file(".message.txt.swp"), node.copy.file("message.txt"));
    expect(await fetchUntil(url, (b) => b.includes("second message"), 30_000, "the edited message")).toContain("second message");
  }, 60_000);

  it("a new pod (the old one deleted) starts with the current tree", async () => {
    node.copy.write("message.txt", "third message\n");
    const url = `http://127.0.0.1:${node.port}/`;
    await fetchUntil(url, (b) => b.includes("third message"), 30_000, "the third message");
    const old = await podOf(node.namespace, "app");
    await core.deleteNamespacedPod({ namespace: node.namespace, name: old });
    const until = Date.now() + 120_000;
    let fresh: string | undefined;
    while (fresh === undefined && Date.now() < until) {
      fresh = await podOf(node.namespace, "app").then((p) => (p === old ? undefined : p), () => undefined);
      if (fresh === undefined) await new Promise((r) => setTimeout(r, 250));
    }
    expect(fresh, "a new running pod").toBeDefined();
    // Its container started with what the host holds now, and never restarted.
    const status = (await core.readNamespacedPod({ namespace: node.namespace, name: fresh ?? "" })).status;
    expect(status?.containerStatuses?.[0]?.restartCount).toBe(0);
    const message = await execInPod(kc, { namespace: node.namespace, pod: fresh ?? "", container: "app", command: ["cat", "/app/message.txt"], timeoutMs: 30_000 });
    expect(message.stdout).toBe("third message\n");
    // The forward follows the new pod.
    expect(await fetchUntil(url, (b) => b.includes("third message"), 60_000, "the new pod's answer")).toBe("greetings, devloop, from node_modules | third message\n");
  }, 150_000);

  it("the app container waits for its fill itself, and once restarted (its process killed) does not wait again and finds the tree", async () => {
    const url = `http://127.0.0.1:${node.port}/`;
    const pod = await podOf(node.namespace, "app");
    const spec = (await core.readNamespacedPod({ namespace: node.namespace, name: pod })).spec;
    // engine/bind-wait.ts: the built image's ENTRYPOINT is known, so no devloop-bind init container; a startupProbe.
    expect((spec?.initContainers ?? []).map((c) => c.name)).not.toContain("devloop-bind");
    expect(spec?.containers[0]?.startupProbe?.exec?.command?.join(" ")).toContain("/.devloop-bind/ready");
    expect(spec?.containers[0]?.command?.[3]).toBe("devloop-bind");
    // The node's Docker engine kills the container; the kubelet starts it again in the same pod.
    const id = execFileSync("docker", ["ps", "-q", "--filter", `name=k8s_app_${pod}_${node.namespace}_`], { encoding: "utf8" }).trim();
    expect(id, "the app container on node 1's engine").not.toBe("");
    const killed = Date.now();
    execFileSync("docker", ["kill", id]);
    let ready = false;
    while (!ready && Date.now() - killed < 60_000) {
      const status = (await core.readNamespacedPod({ namespace: node.namespace, name: pod })).status?.containerStatuses?.[0];
      ready = (status?.restartCount ?? 0) >= 1 && status?.ready === true;
      if (!ready) await sleep(200);
    }
    expect(ready, "the restarted container ready again").toBe(true);
    console.log(`[measure] app container killed -> ready again in ${Date.now() - killed} ms (no second fill)`);
    expect(await fetchUntil(url, (b) => b.includes("third message"), 30_000, "the restarted container's answer")).toBe("greetings, devloop, from node_modules | third message\n");
  }, 120_000);

  it("devloop run of the bind-mounted service starts its command with the current tree at /app and the image's modules", async () => {
    node.copy.write("message.txt", "run message\n");
    const run = await daemon.cli(["run", "-T", "app", "node", "-e", "const fs = require('fs'); console.log(fs.readFileSync('/app/message.txt', 'utf8').trim(), require('greet')('devloop'), fs.existsSync('/app/server.js'))"], node.copy.dir, 180_000);
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    // The tree devloop put in the one-off pod's devloop-bind before the command ran; node_modules seeded from the image.
    expect(run.stdout).toBe("run message greetings, devloop, from node_modules true\n");
    expect(run.stderr).toMatch(/the daemon puts app's bind-mounted source in place/);
  }, 200_000);

  it("devloop run keeps the bind live while its command runs: a host edit reaches it, what it writes comes back, and it is left alone once ended", async () => {
    node.copy.write("message.txt", "live run message\n");
    // A long-running command: says what it started with, writes a file into the bind, reports each new content of
    // run-edit.txt, and ends when stop-run.txt appears (both from the host).
    const script = [
      "const fs = require('fs');",
      "console.log('started with', fs.readFileSync('/app/message.txt', 'utf8').trim());",
      "fs.mkdirSync('/app/generated', { recursive: true }); fs.writeFileSync('/app/generated/by-run.txt', 'written inside the run pod\\n');",
      "let seen = '';",
      "setInterval(() => {",
      "  try { const t = fs.readFileSync('/app/run-edit.txt', 'utf8').trim(); if (t !== seen) { seen = t; console.log('saw', t); } } catch {}",
      "  if (fs.existsSync('/app/stop-run.txt')) { console.log('stopping'); process.exit(0); }",
      "}, 100);",
    ].join(" ");
    const child = spawn(process.execPath, [bin, "run", "-T", "app", "node", "-e", script], { cwd: node.copy.dir, env: daemon.env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const exited = new Promise<number>((r) => child.once("exit", (code) => r(code ?? -1)));
    const until = async (what: string, pred: () => boolean | Promise<boolean>, ms: number): Promise<void> => {
      const deadline = Date.now() + ms;
      while (!(await pred())) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`waited ${ms / 1000} s for ${what}; run's stdout: ${stdout} stderr: ${stderr}`);
        await sleep(200);
      }
    };
    const hostFile = (rel: string): string | undefined => { try { return readFileSync(node.copy.file(rel), "utf8"); } catch { return undefined; } };
    try {
      await until("the command to start", () => stdout.includes("started with"), 180_000);
      const started = Date.now();
      expect(stdout).toContain("started with live run message\n");
      const runPods = await core.listNamespacedPod({ namespace: node.namespace, labelSelector: "devloop.dev/run=app" });
      const runPod = runPods.items[0]?.metadata?.name ?? "";
      expect(runPods.items).toHaveLength(1);
      // A host edit reaches the running command, through the daemon's sync (atomic replace), as in the service's pod.
      const sent = Date.now();
      node.copy.write("run-edit.txt", "edited on the host\n");
      await until("the host edit inside the run pod", () => stdout.includes("saw edited on the host"), 30_000);
      const editMs = Date.now() - sent;
      node.copy.write("run-edit.txt", "edited again\n");
      await until("the second host edit inside the run pod", () => stdout.includes("saw edited again"), 30_000);
      // What the command wrote into /app as it started comes back to the host (the pull-back, every 2 s) ...
      await until("the run pod's file on the host", () => hostFile("generated/by-run.txt") !== undefined, 30_000);
      const backMs = Date.now() - started;
      expect(hostFile("generated/by-run.txt")).toBe("written inside the run pod\n");
      // ... and from the host into the service's own pod, as a Docker bind shares it with both containers.
      const appPod = await podOf(node.namespace, "app");
      await until("the run pod's file in the service's pod", async () => (await execInPod(kc, { namespace: node.namespace, pod: appPod, container: "app", command: ["cat", "/app/generated/by-run.txt"], timeoutMs: 30_000 })).stdout === "written inside the run pod\n", 30_000);
      // The service's status does not count the run pod.
      const state = await (await daemon.client()).state();
      const app = state.projects.find((p) => p.namespace === node.namespace)?.services.find((x) => x.name === "app");
      expect(app?.pods).toEqual([appPod]);
      // Nor do the project's logs: the run's output is its caller's.
      const logs = await daemon.cli(["logs", "--tail", "20"], node.copy.dir, 60_000);
      expect(logs.code, logs.stderr).toBe(0);
      expect(logs.stdout).not.toContain("started with");
      process.stdout.write(`[measure] run pod ${runPod}: a host edit seen by its command after ${editMs} ms, its file on the host ${backMs} ms after its start was seen (or sooner)\n`);
      // Ending it: the command sees the stop file, exits 0, the pod is deleted, and the daemon leaves it alone.
      node.copy.write("stop-run.txt", "\n");
      expect(await Promise.race([exited, sleep(60_000).then(() => -2)]), `${stdout}${stderr}`).toBe(0);
      expect(stdout).toContain("stopping");
      await until("the run pod deleted", async () => (await core.listNamespacedPod({ namespace: node.namespace, labelSelector: "devloop.dev/run=app" })).items.length === 0, 60_000).catch(() => undefined);
      expect((await core.listNamespacedPod({ namespace: node.namespace, labelSelector: "devloop.dev/run=app" })).items).toEqual([]);
      node.copy.write("message.txt", "after the run\n");
      expect(await fetchUntil(`http://127.0.0.1:${node.port}/`, (b) => b.includes("after the run"), 30_000, "the service after the run")).toContain("after the run");
    } finally {
      if (child.exitCode === null) child.kill("SIGTERM");
      await exited;
    }
  }, 300_000);

  it("devloop run of a command that writes into the bind and ends at once: the file is on the host when run returns", async () => {
    const started = Date.now();
    const run = await daemon.cli(["run", "-T", "app", "sh", "-c", "mkdir -p /app/generated && echo 'written just before the end' > /app/generated/last-moment.txt"], node.copy.dir, 180_000);
    const ms = Date.now() - started;
    expect(run.code, `${run.stdout}${run.stderr}`).toBe(0);
    // No wait here: the daemon looked at the bind after the command ended, before the pod's devloop-run-binds ended.
    expect(readFileSync(node.copy.file("generated/last-moment.txt"), "utf8")).toBe("written just before the end\n");
    process.stdout.write(`[measure] a one-line devloop run that writes into the bind: ${ms} ms to its exit, the file on the host\n`);
    // The run pod's traces: its fill and the look that brought the file back; none failed (nothing is sent to a pod
    // whose command ended).
    const traces = (await (await daemon.client()).state()).projects.find((p) => p.namespace === node.namespace)?.changes.filter((c) => c.at >= started && c.pods.some((x) => x.includes("-app-run-"))) ?? [];
    expect(traces.map((c) => c.action)).toEqual(expect.arrayContaining(["bind", "pull"]));
    expect(traces.filter((c) => c.status === "failed"), JSON.stringify(traces)).toEqual([]);
    expect((await core.listNamespacedPod({ namespace: node.namespace, labelSelector: "devloop.dev/run=app" })).items).toEqual([]);
  }, 200_000);

  it("what the container writes into the bind comes back to the host", async () => {
    const pod = await podOf(node.namespace, "app");
    const wrote = await execInPod(kc, { namespace: node.namespace, pod, container: "app", command: ["sh", "-c", "mkdir -p /app/db/migrations && echo 'create table t (id int);' > /app/db/migrations/001_init.sql"], timeoutMs: 30_000 });
    expect(wrote.exitCode).toBe(0);
    const until = Date.now() + 30_000;
    let text = "";
    while (Date.now() < until) {
      try {
        text = node.copy.read("db/migrations/001_init.sql");
        break;
      } catch {
        await new Promise((r) => setTimeout(r, 200));
      }
    }
    expect(text).toBe("create table t (id int);\n");
  }, 60_000);

  it("a Python app with ./:/code beside a service whose named volume starts with its image's content, kept across restarts", async () => {
    const up = await daemon.cli(["up", "-n", python.namespace, "--detach", "--wait-timeout", "240"], python.copy.dir, 300_000);
    expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
    const url = `http://127.0.0.1:${python.port}/`;
    expect(await fetchUntil(url, (b) => b.includes("welcome.txt"), 60_000, "the first page")).toBe('Welcome to the notes app\nnotes: {"welcome.txt": "from the image"}\n');
    // Edit round trip through the bind: the template is read on every request.
    python.copy.write("templates/index.txt", "Notes, edited on the host\n");
    expect(await fetchUntil(url, (b) => b.startsWith("Notes, edited"), 30_000, "the edited template")).toContain("from the image");
    // The volume's data is the app's: a new pod neither re-seeds over it nor loses it.
    const notes = `http://127.0.0.1:${python.notesPort}/`;
    await fetchUntil(notes, (b) => b.includes("welcome"), 30_000, "the notes service");
    expect((await fetch(`${notes}welcome.txt`, { method: "PUT", body: "rewritten by the app" })).status).toBe(200);
    const old = await podOf(python.namespace, "notes");
    await core.deleteNamespacedPod({ namespace: python.namespace, name: old });
    expect(await fetchUntil(url, (b) => b.includes("rewritten") && !b.includes("error"), 120_000, "the page after the notes pod was replaced")).toContain('"welcome.txt": "rewritten by the app"');
  }, 420_000);

  it("a server's bind-mounted config file: the edited file reaches the server", async () => {
    const up = await daemon.cli(["up", "-n", config.namespace, "--detach", "--wait-timeout", "240"], config.copy.dir, 300_000);
    expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
    const url = `http://127.0.0.1:${config.port}/`;
    expect(await fetchUntil(url, (b) => b.includes("configured"), 60_000, "the first answer")).toBe("configured: one\n");
    config.copy.write("config/app.json", '{ "greeting": "configured: two" }\n');
    expect(await fetchUntil(url, (b) => b.includes("two"), 120_000, "the edited config")).toBe("configured: two\n");
    // An editor that writes a new file and renames it over the old one (a new inode) is followed too.
    config.copy.write("config/.app.json.swp", '{ "greeting": "configured: three" }\n');
    renameSync(config.copy.file("config/.app.json.swp"), config.copy.file("config/app.json"));
    expect(await fetchUntil(url, (b) => b.includes("three"), 120_000, "the config replaced by rename")).toBe("configured: three\n");
  }, 330_000);
});
