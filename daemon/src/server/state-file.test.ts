import { mkdtempSync, readdirSync, readFileSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { createApplyController } from "../engine/controllers/apply-controller.js";
import { createConfigController } from "../engine/controllers/config-controller.js";
import { ok, shopProject } from "../engine/controllers/test-project.js";
import { createEngine } from "../engine/engine.js";
import { createFakeCluster } from "../ports/fakes/fake-cluster.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createFakeProjectLoader } from "../ports/fakes/fake-project-loader.js";
import type { KubeManifest } from "../translate/types.js";
import { readStateFile, secretsFileOf, writeStateFile } from "./state-file.js";

const settle = async (engine: { store: { settle(): Promise<void> } }): Promise<void> => {
  for (let i = 0; i < 20; i++) {
    await engine.store.settle();
    await new Promise((r) => setImmediate(r));
  }
};

const boot = (cluster = createFakeCluster()) => {
  const clock = createFakeClock();
  const loader = createFakeProjectLoader(ok(shopProject({ services: ["api", "cache"] })));
  const engine = createEngine({ clock, controllers: [createConfigController({ loader }), createApplyController({ cluster, clock })] });
  return { engine, cluster };
};

describe("state file", () => {
  it("is written atomically with mode 0600 and skipped when unchanged", () => {
    const dir = mkdtempSync(join(tmpdir(), "devloop-state-"));
    const path = join(dir, "state.json");
    const first = writeStateFile(path, []);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(writeStateFile(path, [], first)).toBe(first);
    expect(readdirSync(dir)).toEqual(["state.json"]);
    expect(readStateFile(join(dir, "missing.json"))).toEqual([]);
  });

  it("lets a restarted engine resume without applying anything again", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devloop-state-"));
    const path = join(dir, "state.json");
    const a = boot();
    a.engine.dispatch({ type: "projectRequested", request: { name: "shop", options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, isolation: true } });
    await settle(a.engine);
    expect(a.cluster.appliedServices()).toEqual(["(namespace)", "api", "cache"]);
    writeStateFile(path, Object.values(a.engine.getState().projects));

    const b = boot();
    b.engine.dispatch({ type: "stateRestored", projects: readStateFile(path) });
    await settle(b.engine);
    expect(b.engine.getState().projects["shop"]?.status).toBe("active");
    expect(b.cluster.applied).toEqual([]);
  });

  it("keeps only the variables the project referred to, and no Secret values", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devloop-state-"));
    const path = join(dir, "state.json");
    const clock = createFakeClock();
    const base = shopProject({ services: ["api"] });
    const secret: KubeManifest = { apiVersion: "v1", kind: "Secret", metadata: { name: "api-env", namespace: base.namespace }, stringData: { DB_URL: "postgres://u:s3cr3t-value@db/x", TOKEN: "tok-abcdef" } };
    const loaded = { ...base, manifests: [...base.manifests, secret], variables: ["TAG", "DB_PASSWORD", "PLAIN_BUT_SECRET"] };
    const cluster = createFakeCluster();
    const engine = createEngine({ clock, controllers: [createConfigController({ loader: createFakeProjectLoader(ok(loaded)) }), createApplyController({ cluster, clock })] });
    const environment = { TAG: "1.2", DB_PASSWORD: "pw-123456", PLAIN_BUT_SECRET: "tok-abcdef", HOME: "/home/u", COMPOSE_PROFILES: "dev", PATH: "/usr/bin", AWS_SECRET_ACCESS_KEY: "aws-xyz", LS_COLORS: "x" };
    engine.dispatch({ type: "projectRequested", request: { name: "shop", options: { files: [], profiles: [], envFiles: [], services: [], environment, cwd: "/p" }, isolation: true } });
    await settle(engine);
    writeStateFile(path, Object.values(engine.getState().projects));
    const json = readFileSync(path, "utf8");
    for (const value of ["pw-123456", "tok-abcdef", "s3cr3t-value", "aws-xyz", "/usr/bin"]) expect(json).not.toContain(value);
    // The secret variables the project referred to wait beside it, 0600, for a resumed project.
    const secrets = secretsFileOf(path);
    expect(statSync(secrets).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(secrets, "utf8"))).toEqual({ version: 1, environment: { shop: { DB_PASSWORD: "pw-123456", PLAIN_BUT_SECRET: "tok-abcdef" } } });
    const [restored] = readStateFile(path);
    expect(restored?.request.options.environment).toEqual({ TAG: "1.2", HOME: "/home/u", COMPOSE_PROFILES: "dev", DB_PASSWORD: "pw-123456", PLAIN_BUT_SECRET: "tok-abcdef" });
    const restoredSecret = restored?.loaded?.manifests.find((m) => m.kind === "Secret") as Record<string, unknown> | undefined;
    expect(restoredSecret?.["metadata"]).toEqual(expect.objectContaining({ name: "api-env" }));
    expect(restoredSecret?.["stringData"]).toBeUndefined();
    // A snapshot without Secret values is never applied: each unit counts as applied until a reload.
    for (const u of Object.values(restored?.units ?? {})) expect(u.desiredHash).toBe(u.appliedHash);
    // The running engine still has everything; once the project is gone, so is its secrets file.
    expect(engine.getState().projects["shop"]?.request.options.environment).toEqual(environment);
    writeStateFile(path, []);
    expect(readdirSync(dir)).toEqual(["state.json"]);
  });

  it("keeps the variable an environment build secret reads (secrets: x: environment: VAR) out of state.json, whatever its name", async () => {
    const dir = mkdtempSync(join(tmpdir(), "devloop-state-"));
    const path = join(dir, "state.json");
    const clock = createFakeClock();
    const base = shopProject({ services: ["api"] });
    const loaded = { ...base, variables: ["TAG", "BUILD_KEY"], builds: { api: "api:dev" }, buildRequests: { api: { service: "api", image: "api:dev", context: "/p/api", dockerfile: "Dockerfile", args: {}, secrets: [{ id: "key", environment: "BUILD_KEY" }] } } };
    const engine = createEngine({ clock, controllers: [createConfigController({ loader: createFakeProjectLoader(ok(loaded)) })] });
    engine.dispatch({ type: "projectRequested", request: { name: "shop", options: { files: [], profiles: [], envFiles: [], services: [], environment: { TAG: "1.2", BUILD_KEY: "k-9d8e7f" }, cwd: "/p" }, isolation: true } });
    await settle(engine);
    writeStateFile(path, Object.values(engine.getState().projects));
    expect(readFileSync(path, "utf8")).not.toContain("k-9d8e7f");
    expect(JSON.parse(readFileSync(secretsFileOf(path), "utf8"))).toEqual({ version: 1, environment: { shop: { BUILD_KEY: "k-9d8e7f" } } });
  });
});
