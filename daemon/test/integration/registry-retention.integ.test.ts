/**
 * Registry retention against the bed's registry (127.0.0.1:5000, Debian's docker-registry with deletes enabled by
 * scripts/local-cluster): three builds of a service pushed as content-hash tags, listed through the registry's HTTP
 * API with their digests and creation times, the older ones deleted by the policy, the newest kept.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import Docker from "dockerode";
import { describe, expect, it } from "vitest";
import { createDockerodeImageBuilder } from "../../src/adapters/dockerode-image-builder.js";
import { createRegistryHttpStore, registryBaseUrl } from "../../src/adapters/registry-http.js";
import { planRetention, registryImage } from "../../src/build/registry-retention.js";
import { nodeImage, suffix } from "./daemon-support.js";

const registry = process.env["DEVLOOP_REGISTRY"] ?? "";

describe("registry retention on the bed's registry", () => {
  it("lists the pushed content-hash tags with digests and creation times, deletes the older ones, keeps the newest", async () => {
    if (registry === "") throw new Error("DEVLOOP_REGISTRY is not set: scripts/local-cluster up (the bed runs a registry), then eval \"$(scripts/local-cluster env)\"");
    const id = suffix();
    const dir = mkdtempSync(join(tmpdir(), "devloop-it-retain-"));
    const docker = new Docker();
    const builder = createDockerodeImageBuilder({ docker, delivery: { strategy: "registry", registry, reason: "test" } });
    const request = { service: "retain", image: `dlretain${id}:devloop`, context: dir, dockerfile: "Dockerfile", args: { NODE_IMAGE: nodeImage } };
    writeFileSync(join(dir, "Dockerfile"), "ARG NODE_IMAGE\nFROM ${NODE_IMAGE}\nCOPY n.txt /n.txt\n");
    const refs: string[] = [request.image];
    const store = createRegistryHttpStore();
    try {
      for (const n of [1, 2, 3]) {
        writeFileSync(join(dir, "n.txt"), `${id} ${n}`);
        const result = await builder.build(request, () => undefined);
        refs.push(result.ref, result.tag);
      }
      const pushed = refs.slice(1).filter((_, i) => i % 2 === 0).map((ref) => registryImage(registry, ref));
      const repository = { host: pushed[0]?.host ?? "", name: pushed[0]?.name ?? "" };
      const listed = await store.list(repository);
      expect(listed.map((t) => t.tag).sort()).toEqual(pushed.map((p) => p?.tag).sort());
      for (const t of listed) {
        expect(t.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
        expect(t.created).toBeGreaterThan(Date.now() - 3_600_000);
      }
      const newest = pushed[2]?.tag ?? "";
      const plan = planRetention(listed, { keep: 1, inUse: new Set() });
      expect(plan.kept).toEqual([newest]);
      for (const { digest } of plan.remove) await store.deleteManifest(repository, digest);
      expect((await store.list(repository)).map((t) => t.tag)).toEqual([newest]);
      // Gone is gone: its manifest answers 404, and deleting it again is not an error.
      const gone = plan.remove[0]?.digest ?? "";
      expect((await fetch(`${registryBaseUrl(repository.host)}/v2/${repository.name}/manifests/${gone}`, { method: "HEAD" })).status).toBe(404);
      await store.deleteManifest(repository, gone);
      for (const t of await store.list(repository)) await store.deleteManifest(repository, t.digest);
    } finally {
      for (const ref of refs) await docker.getImage(ref).remove({ force: true }).catch(() => undefined);
      rmSync(dir, { recursive: true, force: true });
    }
  }, 300_000);
});
