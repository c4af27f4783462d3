/** The docker artifact delivery against a fake engine (archives are unpacked in memory) and the fake tar syncer. */
import { describe, expect, it } from "vitest";
import { extract } from "tar-stream";
import { createFakeSyncer } from "../ports/fakes/fake-syncer.js";
import { SyncError } from "../ports/syncer.js";
import type { EngineContainer } from "../sync/artifact-delivery.js";
import { podLabels } from "../sync/artifact-delivery.js";
import { isStagedName } from "../sync/atomic-replace.js";
import type { ArchiveEngine } from "./docker-artifact-syncer.js";
import { createDockerArtifactSyncer } from "./docker-artifact-syncer.js";

interface Entry { readonly dir: string; readonly name: string; readonly uid: number; readonly gid: number; readonly mode: number; readonly content: string }

const unpack = (tar: Buffer): Promise<Omit<Entry, "dir">[]> => new Promise((resolve, reject) => {
  const out: Omit<Entry, "dir">[] = [];
  const x = extract();
  x.on("entry", (h, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => { chunks.push(c as Buffer); });
    stream.on("end", () => { out.push({ name: h.name, uid: h.uid ?? -1, gid: h.gid ?? -1, mode: h.mode ?? 0, content: Buffer.concat(chunks).toString() }); next(); });
  });
  x.on("finish", () => resolve(out));
  x.on("error", reject);
  x.end(tar);
});

const pod = { namespace: "shop-dev", pod: "api-1", container: "api" };
const labels = { [podLabels.namespace]: "shop-dev", [podLabels.name]: "api-1", [podLabels.container]: "api", [podLabels.uid]: "uid-1" };

/** The tar syncer's part: records the renames it was asked to commit; fails them when told to. */
const fakeBase = (failCommit = false) => {
  const commits: { targetDir: string; rels: readonly string[] }[] = [];
  const names: string[] = [];
  const base = {
    ...createFakeSyncer(),
    close: () => undefined,
    commitStaged: (p: { targetDir: string; staged: ReadonlyMap<string, string> }) => {
      if (failCommit) return Promise.reject(new SyncError("mv: cannot stat", false));
      commits.push({ targetDir: p.targetDir, rels: [...p.staged.keys()] });
      names.push(...p.staged.values());
      return Promise.resolve(0);
    },
  };
  return { base, commits, names };
};

const setup = (over: { containers?: EngineContainer[]; user?: string; running?: boolean; uid?: string; failPut?: boolean; failCommit?: boolean } = {}) => {
  const written: Entry[] = [];
  const lookups: string[] = [];
  const fallbacks: string[] = [];
  const engine: ArchiveEngine = {
    podContainers: (p) => { lookups.push(p.pod); return Promise.resolve(over.containers ?? [{ id: "c0ffee", state: "running", labels }]); },
    inspect: () => Promise.resolve({ running: over.running ?? true, user: over.user ?? "1000" }),
    putArchive: async (_id, dir, tar) => {
      if (over.failPut === true) throw new Error("(HTTP code 404) no such container");
      for (const e of await unpack(tar)) written.push({ dir, ...e });
    },
  };
  const { base, commits, names } = fakeBase(over.failCommit);
  const syncer = createDockerArtifactSyncer({ base, engine, podUid: () => Promise.resolve(over.uid ?? "uid-1"), onFallback: (l) => fallbacks.push(l) });
  const put = (name = "api", targetDir = "/app") => syncer.putFiles({ pod, targetDir, files: [{ name, content: Buffer.from("binary v2"), mode: 0o755 }] });
  return { written, lookups, fallbacks, base, commits, names, put };
};

describe("createDockerArtifactSyncer", () => {
  it("puts the artifact straight into the pod's container under its staged name, owned by the container's user, then has it renamed into place; the container is found once", async () => {
    const t = setup();
    const r = await put2(t);
    expect(r.via).toBe("docker");
    expect(r.execs).toBe(0);
    expect(r.put).toEqual(["api"]);
    // Each put under a staged name of its own, flat in the target; the same names are renamed into place.
    const entry = { dir: "/app", uid: 1000, gid: 0, mode: 0o755, content: "binary v2" };
    expect(t.written).toEqual([{ ...entry, name: t.names[0] }, { ...entry, name: t.names[1] }]);
    expect(t.names.every(isStagedName) && t.names[0] !== t.names[1]).toBe(true);
    expect(t.commits).toEqual([{ targetDir: "/app", rels: ["api"] }, { targetDir: "/app", rels: ["api"] }]);
    expect(t.lookups).toEqual(["api-1"]);
    expect(t.base.calls).toEqual([]);
  });

  it("goes over exec when the pod's container is not on this engine (another UID), no longer runs, has a named user, or the put fails", async () => {
    for (const over of [{ uid: "uid-other" }, { running: false }, { user: "node" }, { failPut: true }, { containers: [] }, { failCommit: true }]) {
      const t = setup(over);
      const r = await t.put();
      expect(r.via).toBeUndefined();
      // A failed rename: the staged file is there (the next listing removes it); the put over exec stages it again.
      expect(t.written.map((e) => isStagedName(e.name))).toEqual(over.failCommit === true ? [true] : []);
      expect(t.commits).toEqual([]);
      expect(t.base.calls.map((c) => c.method)).toEqual(["putFiles"]);
      expect(t.fallbacks[0]).toMatch(/^put into shop-dev\/api-1:\/app over exec: /);
    }
  });

  it("a container that ended since it was found (the kubelet restarted it) is looked up again", async () => {
    let running = "c1";
    const written: string[] = [];
    const engine: ArchiveEngine = {
      podContainers: () => Promise.resolve([{ id: running, state: "running", labels }]),
      inspect: (id) => Promise.resolve({ running: id === running, user: "" }),
      putArchive: (id) => { written.push(id); return Promise.resolve(); },
    };
    const { base } = fakeBase();
    const syncer = createDockerArtifactSyncer({ base, engine, podUid: () => Promise.resolve("uid-1") });
    const files = [{ name: "api", content: Buffer.from("x"), mode: 0o755 }];
    await syncer.putFiles({ pod, targetDir: "/app", files });
    running = "c2";
    expect((await syncer.putFiles({ pod, targetDir: "/app", files })).via).toBe("docker");
    expect(written).toEqual(["c1", "c2"]);
    expect(base.calls).toEqual([]);
  });

  it("confinement holds: a name with .. or an absolute name is refused, and so is the container's root as target", async () => {
    const t = setup();
    for (const name of ["../etc/passwd", "/etc/passwd", "a/../../b"]) await expect(t.put(name)).rejects.toBeInstanceOf(SyncError);
    await expect(t.put("api", "/")).rejects.toThrow(/refused/);
    await expect(t.put("api", "/app/../etc")).rejects.toThrow(/\.\./);
    expect(t.written).toEqual([]);
    expect(t.base.calls).toEqual([]);
  });
});

const put2 = async (t: ReturnType<typeof setup>) => { await t.put(); return t.put(); };

