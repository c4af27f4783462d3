/**
 * The puller's read on the bed (issue 15, the way back confined): 200 files a container wrote in 20 directories of its
 * bind, read back by one exec. Devloop's read now (remote-commands.ts readFilesCommand: each directory reached with
 * `into`, one `tar -c` of bare names there) against the read before it (`cd T && tar -c -f - -- <paths>`, one tar by
 * path, as at 5c7b6dd), interleaved, in the same pod; and the whole pull now (listing, read, 200 files written on the
 * host) for scale. Medians and the ratio of medians; the load at start and end.
 */
import { mkdtemp, rm } from "node:fs/promises";
import os, { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import { createKubeExec } from "../daemon/src/adapters/kube-exec.js";
import { createKubePuller } from "../daemon/src/adapters/kube-puller.js";
import { splitReadGroups } from "../daemon/src/sync/pull-read.js";
import { readFilesCommand } from "../daemon/src/sync/remote-commands.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "../daemon/test/integration/helpers/index.js";
import { fmt, median } from "./stats.js";
import { podSpec } from "./sync-exec.js";

const TARGET = "/app";
const dirs = 20;
const perDir = 10;

export const benchPullRead = async (rounds = Number(process.env["DEVLOOP_BENCH_ROUNDS"] ?? "15")): Promise<string> => {
  const load = [os.loadavg()[0] ?? 0];
  const kc = loadBedKubeConfig();
  const ns = await createTestNamespace(kc, "bench-pull");
  const local = await mkdtemp(path.join(tmpdir(), "devloop-bench-pull-"));
  try {
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace: ns, body: podSpec(bedImages().node) });
    await waitForPodReady(kc, { namespace: ns, name: "bench", timeoutMs: 90_000 });
    const pod = { namespace: ns, pod: "bench", container: "app" };
    const exec = createKubeExec(kc);
    // What a container writes: 200 files of 1–3 KiB in 20 directories (generated migrations, build output).
    const write = await exec(pod, ["sh", "-c", `cd ${TARGET} && for d in $(seq 1 ${dirs}); do mkdir -p out/d$d; for f in $(seq 1 ${perDir}); do head -c $((1024 * (1 + f % 3))) /dev/urandom > out/d$d/f$f.bin; done; done`]);
    if (write.exitCode !== 0) throw new Error(`bench pull: writing the files exited ${write.exitCode}: ${write.stderr}`);
    const rels = Array.from({ length: dirs * perDir }, (_, i) => `out/d${Math.floor(i / perDir) + 1}/f${(i % perDir) + 1}.bin`);
    const oldCommand = ["sh", "-c", 'cd -- "$0" && tar -c -f - -- "$@"', TARGET, ...rels];
    const newCommand = readFilesCommand(TARGET, rels);
    const bytesOf = (r: { stdoutBytes?: Buffer; stdout: string }): Buffer => r.stdoutBytes ?? Buffer.from(r.stdout);
    // Warm both and check the new read brings every file.
    await exec(pod, oldCommand);
    const first = splitReadGroups(bytesOf(await exec(pod, newCommand)));
    if (first.length !== dirs) throw new Error(`bench pull: the read brought ${first.length} directories, expected ${dirs}`);
    const puller = createKubePuller({ exec });
    const before: number[] = [];
    const after: number[] = [];
    const whole: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      for (const which of i % 2 === 0 ? ["old", "new"] : ["new", "old"]) {
        const t0 = performance.now();
        const r = await exec(pod, which === "old" ? oldCommand : newCommand, { maxOutputBytes: 64 * 1024 * 1024 });
        (which === "old" ? before : after).push(performance.now() - t0);
        if (r.exitCode !== 0) throw new Error(`bench pull: the ${which} read exited ${r.exitCode}: ${r.stderr}`);
      }
      await rm(local, { recursive: true, force: true });
      const p = await puller.pull({ pod, localRoot: local, targetDir: TARGET, previous: new Map(), since: 0, prune: [] });
      if (p.pulled.length !== rels.length) throw new Error(`bench pull: the pull brought ${p.pulled.length} files, expected ${rels.length}`);
      whole.push(p.ms);
    }
    load.push(os.loadavg()[0] ?? 0);
    const b = median(before);
    const a = median(after);
    return [
      `### The puller's read, ${dirs * perDir} files in ${dirs} directories (${rounds} rounds, interleaved)`,
      "",
      "| | median | min–max |",
      "| --- | --- | --- |",
      `| read by path, one tar (before) | ${fmt(b)} | ${fmt(Math.min(...before))}–${fmt(Math.max(...before))} |`,
      `| read confined, a tar per directory (now) | ${fmt(a)} | ${fmt(Math.min(...after))}–${fmt(Math.max(...after))} |`,
      `| the whole pull now (listing, read, 200 files written) | ${fmt(median(whole))} | ${fmt(Math.min(...whole))}–${fmt(Math.max(...whole))} |`,
      "",
      `now / before: ${(a / b).toFixed(2)}× (ratio of medians). Load (1 min): ${load.map((l) => l.toFixed(1)).join(" → ")}.`,
    ].join("\n");
  } finally {
    await rm(local, { recursive: true, force: true });
    await deleteTestNamespace(kc, ns).catch(() => undefined);
  }
};
