/**
 * A bind-mounted tree bigger than the session's limit (sessionMaxBytes, 16 MiB) on the bed: its fill into devloop-bind
 * is streamed as one plain tar into the empty target (remote-commands.ts freshStreamCommand, issue 10), not as the
 * records. The app reads every file at its start and answers with a digest of paths, modes and contents, a symlink's
 * target and whether an empty directory came along: the same as the local tree's, for the first pod and for the pod
 * that replaces it. It runs as a user that is not root (`user: "1000:1000"`), who owns the files and can write them.
 *
 * Both ways a fill goes: written on this machine's disk into the pod's emptyDir (engine/live/bind-disk-fill.ts: the
 * bed's kubelets run here and the daemon as root), and over exec (DEVLOOP_BIND_FILL=exec, as on a remote cluster).
 */
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTestDaemon, freePort, kube, suffix } from "./daemon-support.js";
import { bedImages } from "./helpers/index.js";
import { fetchUntil } from "./helpers/real-world.js";
import { diskDetail } from "../../src/engine/live/bind-fill.js";

/** The server: walks /src/lib in sorted order (files and links), digests "path mode bytes" of each, then listens. */
const server = `const fs = require("node:fs"); const path = require("node:path"); const crypto = require("node:crypto");
const h = crypto.createHash("sha256");
const walk = (dir) => { for (const name of fs.readdirSync(dir).sort()) { const p = path.join(dir, name); const s = fs.lstatSync(p);
  if (s.isSymbolicLink()) h.update(\`\${p} link \${fs.readlinkSync(p)}\\n\`);
  else if (s.isDirectory()) walk(p);
  else { h.update(\`\${p} \${(s.mode & 0o777).toString(8)} \`); h.update(fs.readFileSync(p)); h.update("\\n"); } } };
walk("/src/lib");
const f = "/src/lib/m00/f0.js"; const st = fs.statSync(f); let writable = true; try { fs.appendFileSync(f, ""); } catch { writable = false; }
const owner = \`owner=\${st.uid === process.getuid() && st.gid === process.getgid() && writable}\`;
const answer = \`\${h.digest("hex")} empty=\${fs.statSync("/src/empty").isDirectory()} \${owner} pod=\${require("node:os").hostname()}\\n\`;
require("node:http").createServer((q, r) => r.end(answer)).listen(3000);
`;

describe.each([
  { fill: "disk", env: {} },
  { fill: "exec", env: { DEVLOOP_BIND_FILL: "exec" } },
])("a bind-mounted tree over 16 MiB, on the local cluster, filled by $fill", ({ fill, env }) => {
  const daemon = createTestDaemon();
  const { core } = kube();
  const dir = mkdtempSync(path.join(tmpdir(), "devloop-it-big-fill-"));
  const namespace = `dlbigfill${suffix()}`;
  let port = 0;
  let expected = "";

  beforeAll(async () => {
    port = await freePort();
    const h = createHash("sha256");
    // 60 directories × 22 files × 16 KiB of text (~21 MiB): over the session's limit, so the fill is streamed.
    for (let d = 0; d < 60; d++) {
      const sub = path.join(dir, "lib", `m${String(d).padStart(2, "0")}`);
      mkdirSync(sub, { recursive: true });
      const names = Array.from({ length: 22 }, (_, f) => `f${f}.js`).sort();
      for (const name of names) {
        const text = `// ${d}/${name}\n${`export const v${d} = (request) => request.render(${d}); // ${name}\n`.repeat(260)}`.slice(0, 16 * 1024);
        const mode = name === "f1.js" ? 0o755 : 0o644;
        writeFileSync(path.join(sub, name), text, { mode });
      }
    }
    symlinkSync("m00/f0.js", path.join(dir, "lib", "link"));
    mkdirSync(path.join(dir, "empty"));
    // The same digest as the server's, over the local tree (sorted names, as readdirSync().sort() walks).
    const walk = (rel: string): void => {
      const names = [...(rel === "lib" ? ["link", ...Array.from({ length: 60 }, (_, d) => `m${String(d).padStart(2, "0")}`)] : Array.from({ length: 22 }, (_, f) => `f${f}.js`))].sort();
      for (const name of names) {
        const p = `${rel}/${name}`;
        if (p === "lib/link") h.update(`/src/${p} link m00/f0.js\n`);
        else if (rel === "lib") walk(p);
        else {
          const d = Number(rel.slice(5));
          h.update(`/src/${p} ${name === "f1.js" ? "755" : "644"} `);
          h.update(`// ${d}/${name}\n${`export const v${d} = (request) => request.render(${d}); // ${name}\n`.repeat(260)}`.slice(0, 16 * 1024));
          h.update("\n");
        }
      }
    };
    walk("lib");
    expected = `${h.digest("hex")} empty=true owner=true`;
    writeFileSync(path.join(dir, "server.js"), server);
    writeFileSync(path.join(dir, "compose.yml"), `services:\n  app:\n    image: ${bedImages().node}\n    user: "1000:1000"\n    command: ["node", "/src/server.js"]\n    ports:\n      - "\${APP_PORT}:3000"\n    volumes:\n      - .:/src\n`);
    Object.assign(daemon.env, { APP_PORT: String(port), ...env });
    await daemon.start();
  }, 60_000);

  afterAll(async () => {
    await daemon.cli(["down", "-n", namespace], dir, 120_000).catch(() => undefined);
    await core.deleteNamespace({ name: namespace }).catch(() => undefined);
    await daemon.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 180_000);

  it("the app starts with every file, mode and link of the tree in place, and so does the pod that replaces it", async () => {
    const up = await daemon.cli(["up", "-n", namespace, "--detach", "--wait-timeout", "240"], dir, 300_000);
    expect(up.code, `${up.stdout}${up.stderr}`).toBe(0);
    const url = `http://127.0.0.1:${port}/`;
    const answer = await fetchUntil(url, (b) => b.includes("empty="), 60_000, "the first answer");
    const [digest, empty, owner, pod] = answer.trim().split(" ");
    expect(`${digest} ${empty} ${owner}`).toBe(expected);
    const first = pod?.replace("pod=", "") ?? "";
    expect(first).not.toBe("");
    // An image devloop did not build, on the engine the kubelet runs on: its ENTRYPOINT is read there, so the app
    // container waits for the fill itself (engine/bind-wait.ts), with the image's entrypoint before the command.
    const spec = (await core.readNamespacedPod({ namespace, name: first })).spec;
    expect((spec?.initContainers ?? []).map((c) => c.name)).not.toContain("devloop-bind");
    expect(spec?.containers[0]?.command?.[3]).toBe("devloop-bind");
    expect(spec?.containers[0]?.args?.slice(-2)).toEqual(["node", "/src/server.js"]);
    await core.deleteNamespacedPod({ namespace, name: first, gracePeriodSeconds: 0 });
    // The new pod is filled the same way and answers with its own name.
    const again = await fetchUntil(url, (b) => b.includes("empty=") && !b.includes(`pod=${first}`), 120_000, "the new pod's answer");
    expect(again.trim().split(" ").slice(0, 3).join(" ")).toBe(expected);
    // Both pods' fills went the way this daemon fills: the trace of each says so.
    const client = await daemon.client();
    const project = (await client.state()).projects.find((p) => p.namespace === namespace);
    const binds = (project?.changes ?? []).filter((c) => c.action === "bind" && c.status === "ok");
    expect(binds.length).toBeGreaterThanOrEqual(2);
    for (const b of binds) expect(b.steps.some((x) => x.detail === diskDetail), JSON.stringify(b.steps)).toBe(fill === "disk");
  }, 420_000);
});
