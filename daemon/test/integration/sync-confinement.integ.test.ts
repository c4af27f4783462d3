// Issue 15 on the bed: a process in the container has replaced a directory of the sync target by a link to a directory
// outside it (an /etc-like one) before the batch lands. Nothing is written or deleted outside the target — through the
// session, through one exec, and through the streamed exec of a big file or of many files — for edits, deletes, new
// directories and symlinks and batches over the staging limit, and the directory is a real one again, as locally.
// And the way back: the puller's read never reads through such a link (what it read would be written on the host).
import { createHash, randomBytes } from "node:crypto";
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { CoreV1Api } from "@kubernetes/client-node";
import type { KubeConfig } from "@kubernetes/client-node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createKubeExec, createKubeExecStream } from "../../src/adapters/kube-exec.js";
import type { KubeExec } from "../../src/adapters/kube-exec.js";
import { createKubePuller } from "../../src/adapters/kube-puller.js";
import type { TarSyncer } from "../../src/adapters/tar-syncer.js";
import { createTarSyncer } from "../../src/adapters/tar-syncer.js";
import type { SyncPod } from "../../src/ports/syncer.js";
import type { HashManifest } from "../../src/sync/hash-manifest.js";
import { emptyManifest } from "../../src/sync/hash-manifest.js";
import { splitReadGroups } from "../../src/sync/pull-read.js";
import { readFilesCommand } from "../../src/sync/remote-commands.js";
import { bedImages, createTestNamespace, deleteTestNamespace, loadBedKubeConfig, waitForPodReady } from "./helpers/index.js";

const TARGET = "/app";
const OUTSIDE = "/srv/etc-like";

describe("sync: never through a link out of the target (a directory replaced by a link to an outside one)", () => {
  let kc: KubeConfig;
  let ns = "";
  let exec: KubeExec;
  const syncers: TarSyncer[] = [];
  let root = "";
  let manifest: HashManifest = emptyManifest;
  const pod: SyncPod = { namespace: "", pod: "confine", container: "app" };
  const sh = async (script: string): Promise<string> => {
    const r = await exec(pod, ["sh", "-c", script]);
    if (r.exitCode !== 0) throw new Error(`${script}: exit ${r.exitCode} ${r.stderr}`);
    return r.stdout;
  };
  /** What the container process does: the directory goes away, a link to the outside directory takes its name. */
  const replaceByLink = (): Promise<string> => sh(`rm -rf ${TARGET}/sub.away && mv ${TARGET}/sub ${TARGET}/sub.away && ln -s ${OUTSIDE} ${TARGET}/sub && test -L ${TARGET}/sub`);
  const outside = (): Promise<string> => sh(`cd ${OUTSIDE} && find . -mindepth 1 | sort && cat passwd`);
  const untouched = "./passwd\nroot:x:0:0:root:/root:/bin/sh\n";

  beforeAll(async () => {
    kc = loadBedKubeConfig();
    ns = await createTestNamespace(kc, "it-sync-confine");
    Object.assign(pod, { namespace: ns });
    exec = createKubeExec(kc);
    root = await mkdtemp(path.join(tmpdir(), "devloop-confine-"));
    await mkdir(path.join(root, "sub"));
    await writeFile(path.join(root, "sub/config.txt"), "v0\n");
    await kc.makeApiClient(CoreV1Api).createNamespacedPod({
      namespace: ns,
      body: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: pod.pod },
        spec: {
          terminationGracePeriodSeconds: 0,
          volumes: [{ name: "src", emptyDir: {} }],
          containers: [{
            name: "app", image: bedImages().node, imagePullPolicy: "Never",
            command: ["sh", "-c", `mkdir -p ${OUTSIDE} && echo root:x:0:0:root:/root:/bin/sh > ${OUTSIDE}/passwd && exec sleep infinity`],
            volumeMounts: [{ name: "src", mountPath: TARGET }],
          }],
        },
      },
    });
    await waitForPodReady(kc, { namespace: ns, name: pod.pod, timeoutMs: 120_000 });
    const first = await createTarSyncer({ exec }).fullSync({ pod, localRoot: root, targetDir: TARGET, previous: manifest });
    manifest = first.manifest;
    expect(await sh(`cat ${TARGET}/sub/config.txt`)).toBe("v0\n");
  }, 180_000);

  afterAll(async () => {
    for (const s of syncers) s.close();
    await deleteTestNamespace(kc, ns);
    await rm(root, { recursive: true, force: true });
  }, 120_000);

  const ways = [
    { name: "the session", syncer: (): TarSyncer => createTarSyncer({ exec, openStream: createKubeExecStream(kc), timeoutMs: 30_000 }) },
    { name: "one exec", syncer: (): TarSyncer => createTarSyncer({ exec, timeoutMs: 30_000 }) },
  ];
  for (const [i, way] of ways.entries()) {
    it(`an edit under the replaced directory, through ${way.name}: outside untouched, the directory real again`, async () => {
      const syncer = way.syncer();
      syncers.push(syncer);
      await replaceByLink();
      await writeFile(path.join(root, "sub/config.txt"), `v${i + 1}\n`);
      await writeFile(path.join(root, `sub/new-${i}.txt`), "new\n");
      const r = await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: ["sub/config.txt", `sub/new-${i}.txt`] });
      manifest = r.manifest;
      expect(r.execs).toBe(way.name === "one exec" ? 1 : 0);
      expect(await outside()).toBe(untouched);
      expect(await sh(`test -d ${TARGET}/sub && test ! -L ${TARGET}/sub && cat ${TARGET}/sub/config.txt ${TARGET}/sub/new-${i}.txt`)).toBe(`v${i + 1}\nnew\n`);
      expect(await sh(`find ${TARGET} -name '*.devloop-tmp' | wc -l`)).toBe("0\n");
    }, 120_000);

    it(`a delete under the replaced directory, through ${way.name}: the outside file of that name stays`, async () => {
      const syncer = way.syncer();
      syncers.push(syncer);
      await writeFile(path.join(root, `sub/victim-${i}.txt`), "ours\n");
      manifest = (await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: [`sub/victim-${i}.txt`] })).manifest;
      await replaceByLink();
      await sh(`echo theirs > ${OUTSIDE}/victim-${i}.txt`);
      try {
        await rm(path.join(root, `sub/victim-${i}.txt`));
        const r = await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: [`sub/victim-${i}.txt`] });
        manifest = r.manifest;
        expect(r.deleted).toEqual([`sub/victim-${i}.txt`]);
        expect(await sh(`cat ${OUTSIDE}/victim-${i}.txt`)).toBe("theirs\n");
      } finally {
        await sh(`rm -f ${OUTSIDE}/victim-${i}.txt`);
      }
      expect(await outside()).toBe(untouched);
    }, 120_000);

    it(`a new directory and a symlink under the replaced directory, through ${way.name}: made inside, nothing outside`, async () => {
      const syncer = way.syncer();
      syncers.push(syncer);
      await replaceByLink();
      await mkdir(path.join(root, `sub/dir-${i}`));
      await symlink(`dir-${i}`, path.join(root, `sub/link-${i}`));
      const r = await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: [`sub/dir-${i}`, `sub/link-${i}`] });
      manifest = r.manifest;
      expect(await outside()).toBe(untouched);
      expect(await sh(`test ! -L ${TARGET}/sub && test -d ${TARGET}/sub/dir-${i} && readlink ${TARGET}/sub/link-${i}`)).toBe(`dir-${i}\n`);
    }, 120_000);

    it(`a batch of 150 files (over the staging limit) under the replaced directory, through ${way.name}: all inside`, async () => {
      const syncer = way.syncer();
      syncers.push(syncer);
      await replaceByLink();
      const rels = Array.from({ length: 150 }, (_, k) => `sub/many-${i}-${k}.txt`);
      for (const rel of rels) await writeFile(path.join(root, rel), `${rel}\n`);
      const r = await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: rels });
      manifest = r.manifest;
      expect(r.put).toHaveLength(150);
      expect(await outside()).toBe(untouched);
      expect(await sh(`test ! -L ${TARGET}/sub && ls ${TARGET}/sub | grep -c '^many-${i}-' && cat ${TARGET}/sub/many-${i}-149.txt`)).toBe(`150\nsub/many-${i}-149.txt\n`);
    }, 120_000);
  }

  it("a 20 MiB file under the replaced directory, streamed through one exec: outside untouched", async () => {
    const syncer = createTarSyncer({ exec, timeoutMs: 60_000 });
    syncers.push(syncer);
    await replaceByLink();
    const big = randomBytes(20 << 20);
    await writeFile(path.join(root, "sub/big.bin"), big);
    const r = await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: ["sub/big.bin"] });
    manifest = r.manifest;
    expect(await outside()).toBe(untouched);
    expect(await sh(`test ! -L ${TARGET}/sub && sha256sum < ${TARGET}/sub/big.bin`)).toBe(`${createHash("sha256").update(big).digest("hex")}  -\n`);
  }, 180_000);

  it("120 files of 160 KiB (over the staging limit and the session's) under the replaced directory, streamed: all inside", async () => {
    const syncer = createTarSyncer({ exec, timeoutMs: 60_000 });
    syncers.push(syncer);
    await replaceByLink();
    const rels = Array.from({ length: 120 }, (_, k) => `sub/stream/s${k}.bin`);
    const hashes: string[] = [];
    await mkdir(path.join(root, "sub/stream"), { recursive: true });
    for (const rel of rels) {
      const content = randomBytes(160 << 10);
      hashes.push(`${createHash("sha256").update(content).digest("hex")}  ./${path.basename(rel)}`);
      await writeFile(path.join(root, rel), content);
    }
    const r = await syncer.sync({ pod, localRoot: root, targetDir: TARGET, previous: manifest, paths: rels });
    manifest = r.manifest;
    expect(r.put).toHaveLength(120);
    expect(await outside()).toBe(untouched);
    const listed = await sh(`test ! -L ${TARGET}/sub && cd ${TARGET}/sub/stream && sha256sum ./*`);
    expect(listed.trim().split("\n").sort()).toEqual(hashes.sort());
  }, 180_000);

  it("the way back: a directory the container replaces by a link between the puller's listing and its read is not read through", async () => {
    // What the container wrote: rdir/passwd (its own) and rdir/other.txt; an outside file of the same name.
    await sh(`mkdir -p ${TARGET}/rdir && echo mine > ${TARGET}/rdir/passwd && echo other > ${TARGET}/rdir/other.txt && echo top > ${TARGET}/rtop.txt`);
    // The swap is made just before the read's exec: the listing hashed the real directory.
    const swapping: KubeExec = async (target, command, options) => {
      if (command.join(" ").includes("readall")) await sh(`mv ${TARGET}/rdir ${TARGET}/rdir.away && ln -s ${OUTSIDE} ${TARGET}/rdir`);
      return exec(target, command, options);
    };
    const host = await mkdtemp(path.join(tmpdir(), "devloop-confine-pull-"));
    try {
      const r = await createKubePuller({ exec: swapping }).pull({ pod, localRoot: host, targetDir: TARGET, previous: manifest, since: 0, prune: ["sub", "sub.away"] });
      // The directory leads outside now: nothing of it is read; the rest comes back.
      expect(r.pulled.filter((rel) => rel.startsWith("rdir/"))).toEqual([]);
      expect(r.pulled).toContain("rtop.txt");
      expect((await readdir(host, { recursive: true })).map(String).filter((n) => n.startsWith("rdir"))).toEqual([]);
      // A read by path, as before, reads the outside file through the link.
      const byPath = await exec(pod, ["sh", "-c", 'cd -- "$0" && tar -c -f - -- "$@"', TARGET, "rdir/passwd"]);
      expect(byPath.stdout).toContain("root:x:0:0");
      expect(splitReadGroups((await exec(pod, readFilesCommand(TARGET, ["rdir/passwd", "rtop.txt"]))).stdoutBytes ?? Buffer.alloc(0)).map((g) => g.dir)).toEqual([""]);
    } finally {
      await rm(host, { recursive: true, force: true });
      await sh(`rm -f ${TARGET}/rdir && rm -rf ${TARGET}/rdir.away ${TARGET}/rtop.txt`);
    }
    expect(await outside()).toBe(untouched);
  }, 120_000);
});
