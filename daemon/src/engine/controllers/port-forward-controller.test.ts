import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { Duplex } from "node:stream";
import { describe, expect, it } from "vitest";
import { createFakeClock } from "../../ports/fakes/fake-clock.js";
import { createFakeCluster } from "../../ports/fakes/fake-cluster.js";
import { createFakePortListener } from "../../ports/fakes/fake-port-listener.js";
import { createFakeProjectLoader } from "../../ports/fakes/fake-project-loader.js";
import type { PublishedPort } from "../../ports/project-loader.js";
import { createEngine } from "../engine.js";
import { readStateFile, writeStateFile } from "../../server/state-file.js";
import { toPublicProject } from "../public-view.js";
import type { ProjectRequest } from "../state.js";
import { createConfigController } from "./config-controller.js";
import { createPortForwardController, forwardTarget, holdMs, maxHeld } from "./port-forward-controller.js";
import { ok, shopProject } from "./test-project.js";

const request: ProjectRequest = {
  name: "shop",
  options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" },
  isolation: true,
};

const withPorts = (ports: PublishedPort[]) => ok({ ...shopProject({ services: ["web", "api"] }), ports });

const setup = (ports: PublishedPort[], firstFree = 40000) => {
  const loader = createFakeProjectLoader(withPorts(ports));
  const listener = createFakePortListener(firstFree);
  const clock = createFakeClock();
  const cluster = createFakeCluster();
  const engine = createEngine({ clock, controllers: [createConfigController({ loader }), createPortForwardController({ cluster, listener, clock })] });
  const settle = async (): Promise<void> => {
    for (let i = 0; i < 10; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
  };
  const ports_ = (service: string) => toPublicProject(engine.getState().projects["shop"]!).services.find((s) => s.name === service)!.ports;
  return { loader, listener, cluster, clock, engine, settle, ports: ports_ };
};

describe("port-forwards", () => {
  it('forwards a port without a host port ("80") from a free local port and shows which in the public state', async () => {
    const t = setup([
      { service: "web", published: 0, target: 80, protocol: "tcp" },
      { service: "web", published: 8080, target: 3000, protocol: "tcp" },
    ]);
    t.listener.taken.add(40000);
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.ports("web")).toEqual(
      expect.arrayContaining([
        { service: "web", local: 40001, remote: 80, status: "active", ephemeral: true },
        { service: "web", local: 8080, remote: 3000, status: "active" },
      ]),
    );
    expect(t.ports("web")).toHaveLength(2);
    expect([...t.listener.listening.keys()].sort()).toEqual(["127.0.0.1:40001", "127.0.0.1:8080"]);
  });

  it("keeps the picked port across a reload, and takes the forward off the state when the port leaves the compose file", async () => {
    const t = setup([{ service: "web", published: 0, target: 80, protocol: "tcp" }]);
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.ports("web")).toEqual([{ service: "web", local: 40000, remote: 80, status: "active", ephemeral: true }]);

    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.ports("web")).toEqual([{ service: "web", local: 40000, remote: 80, status: "active", ephemeral: true }]);

    t.loader.set(withPorts([{ service: "web", published: 8080, target: 80, protocol: "tcp" }]));
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.ports("web")).toEqual([{ service: "web", local: 8080, remote: 80, status: "active" }]);
    expect([...t.listener.listening.keys()]).toEqual(["127.0.0.1:8080"]);
  });

  it("a restarted daemon listens on the free port an ephemeral forward had (kept in state.json), or on a new one when it is taken", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "devloop-ephemeral-"));
    try {
      const file = path.join(dir, "state.json");
      const first = setup([{ service: "web", published: 0, target: 80, protocol: "tcp" }]);
      first.engine.dispatch({ type: "projectRequested", request });
      await first.settle();
      expect(first.ports("web")).toEqual([{ service: "web", local: 40000, remote: 80, status: "active", ephemeral: true }]);
      writeStateFile(file, Object.values(first.engine.getState().projects));

      // The next daemon's listener would pick 41000 for port 0: it asks for 40000 first.
      const second = setup([{ service: "web", published: 0, target: 80, protocol: "tcp" }], 41000);
      second.engine.dispatch({ type: "stateRestored", projects: readStateFile(file) });
      await second.settle();
      expect(second.ports("web")).toEqual([{ service: "web", local: 40000, remote: 80, status: "active", ephemeral: true }]);

      const third = setup([{ service: "web", published: 0, target: 80, protocol: "tcp" }], 41000);
      third.listener.taken.add(40000);
      third.engine.dispatch({ type: "stateRestored", projects: readStateFile(file) });
      await third.settle();
      expect(third.ports("web")).toEqual([{ service: "web", local: 41000, remote: 80, status: "active", ephemeral: true }]);
      expect(third.engine.getState().projects["shop"]?.ephemeralPorts).toEqual({ "web/0:80": 41000 });

      // A port that leaves the compose file is forgotten with its forward.
      third.loader.set(withPorts([]));
      third.engine.dispatch({ type: "projectRequested", request });
      await third.settle();
      expect(third.engine.getState().projects["shop"]?.ephemeralPorts).toEqual({});
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("two services with the same container port get two free ports; a taken fixed port fails on its service only", async () => {
    const t = setup([
      { service: "web", published: 0, target: 80, protocol: "tcp" },
      { service: "api", published: 0, target: 80, protocol: "tcp" },
      { service: "api", published: 9000, target: 9000, protocol: "tcp" },
    ]);
    t.listener.taken.add(9000);
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const web = t.ports("web");
    const api = t.ports("api");
    expect(web).toEqual([{ service: "web", local: expect.any(Number) as number, remote: 80, status: "active", ephemeral: true }]);
    expect(api.find((p) => p.remote === 80)).toMatchObject({ status: "active", ephemeral: true });
    expect(api.find((p) => p.remote === 80)?.local).not.toBe(web[0]?.local);
    expect(api.find((p) => p.remote === 9000)).toMatchObject({ local: 9000, status: "failed", message: "127.0.0.1:9000 is already in use" });
  });

  it("tells the cluster to close the streams it opened ahead when a forward that carried connections closes", async () => {
    const t = setup([{ service: "web", published: 8080, target: 3000, protocol: "tcp" }]);
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const pod = { kind: "Pod" as const, name: "web-1", namespace: "shop-dev", labels: { "devloop.dev/service": "web" }, pod: { phase: "Running", ready: true, restarts: 0, containers: [], deleting: false } };
    t.engine.dispatch({ type: "objectsObserved", project: "shop", namespace: "shop-dev", event: { type: "upsert", object: pod } });
    await t.settle();
    t.listener.listening.get("127.0.0.1:8080")?.(new Duplex({ read() {}, write(_c, _e, cb) { cb(); } }));
    await t.settle();
    expect(t.cluster.droppedSpares).toEqual([]);

    t.loader.set(withPorts([]));
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    expect(t.cluster.droppedSpares).toEqual(["shop-dev:3000"]);
  });

  it("goes to a ready pod, else a running one, else a pending one whose bind tree devloop has put in (its app starts next)", async () => {
    const t = setup([{ service: "web", published: 8080, target: 3000, protocol: "tcp" }]);
    t.engine.dispatch({ type: "projectRequested", request });
    await t.settle();
    const observe = (name: string, phase: string, ready: boolean): void =>
      t.engine.dispatch({ type: "objectsObserved", project: "shop", namespace: "shop-dev", event: { type: "upsert", object: { kind: "Pod", name, namespace: "shop-dev", labels: { "devloop.dev/service": "web" }, pod: { phase, ready, restarts: 0, containers: [], deleting: false } } } });
    const bindTrace = (pod: string, steps: readonly ("sync" | "exec")[]): void =>
      t.engine.dispatch({ type: "syncTraced", project: "shop", trace: { service: "web", trigger: "pod", action: "bind", files: [], fileCount: 20_000, pods: [pod], at: 0, steps: steps.map((step) => ({ step, ms: 1 })), totalMs: 2, status: "ok" } });
    const picked = (): string | undefined => {
      const target = forwardTarget(t.engine.getState(), "shop", "web");
      return typeof target === "object" ? target.pod : undefined;
    };

    observe("web-a", "Pending", false);
    await t.settle();
    expect(picked()).toBeUndefined();
    // The tree is in but the ready file not made yet: still nothing to reach.
    bindTrace("web-a", ["sync"]);
    await t.settle();
    expect(picked()).toBeUndefined();
    bindTrace("web-a", ["sync", "exec"]);
    await t.settle();
    expect(picked()).toBe("web-a");
    // A running pod comes first, a ready one before it.
    observe("web-b", "Running", false);
    await t.settle();
    expect(picked()).toBe("web-b");
    observe("web-c", "Running", true);
    await t.settle();
    expect(picked()).toBe("web-c");
  });

  describe("a connection made while the service's pod is on its way", () => {
    type PodFields = { phase: string; ready?: boolean; bindWaiting?: string[]; initRunning?: string[]; reason?: string };
    const start = async () => {
      const t = setup([{ service: "web", published: 8080, target: 3000, protocol: "tcp" }]);
      t.engine.dispatch({ type: "projectRequested", request });
      await t.settle();
      const observe = async (name: string, f: PodFields): Promise<void> => {
        t.engine.dispatch({ type: "objectsObserved", project: "shop", namespace: "shop-dev", event: { type: "upsert", object: { kind: "Pod", name, namespace: "shop-dev", labels: { "devloop.dev/service": "web" }, pod: { restarts: 0, containers: ["web"], deleting: false, ready: false, ...f } } } });
        await t.settle();
      };
      const bound = async (pod: string): Promise<void> => {
        t.engine.dispatch({ type: "syncTraced", project: "shop", trace: { service: "web", trigger: "pod", action: "bind", files: [], fileCount: 2, pods: [pod], at: 0, steps: [{ step: "sync", ms: 1 }, { step: "exec", ms: 1 }], totalMs: 2, status: "ok" } });
        await t.settle();
      };
      const dial = async (): Promise<{ destroyed: () => boolean }> => {
        const socket = new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
        t.listener.listening.get("127.0.0.1:8080")?.(socket);
        await t.settle();
        return { destroyed: () => socket.destroyed };
      };
      return { ...t, observe, bound, dial };
    };

    it("is held, not forwarded, while the app waits for its bind fill, and goes to the pod once devloop has put the tree in", async () => {
      const t = await start();
      await t.observe("web-a", { phase: "Pending", initRunning: [] });
      const early = await t.dial();
      await t.observe("web-a", { phase: "Running", bindWaiting: ["web"] });
      const during = await t.dial();
      expect(t.cluster.forwarded).toEqual([]);
      expect(early.destroyed() || during.destroyed()).toBe(false);
      await t.bound("web-a");
      expect(t.cluster.forwarded).toEqual(["shop-dev/web-a:3000", "shop-dev/web-a:3000"]);
      // A later connection goes straight there.
      await t.dial();
      expect(t.cluster.forwarded).toHaveLength(3);
    });

    it("waits behind devloop-bind too, and is refused when the pod goes away or after holdMs", async () => {
      const t = await start();
      await t.observe("web-a", { phase: "Pending", initRunning: ["devloop-bind"] });
      const first = await t.dial();
      t.clock.advance(holdMs - 1);
      await t.settle();
      expect(first.destroyed()).toBe(false);
      t.clock.advance(1);
      await t.settle();
      expect(first.destroyed()).toBe(true);
      const second = await t.dial();
      t.engine.dispatch({ type: "objectsObserved", project: "shop", namespace: "shop-dev", event: { type: "delete", object: { kind: "Pod", name: "web-a", namespace: "shop-dev", labels: { "devloop.dev/service": "web" } } } });
      await t.settle();
      expect(second.destroyed()).toBe(true);
      expect(t.cluster.forwarded).toEqual([]);
    });

    it("is refused at once when no pod is coming: none at all, or one that cannot start (ImagePullBackOff); and beyond maxHeld", async () => {
      const t = await start();
      expect((await t.dial()).destroyed()).toBe(true);
      await t.observe("web-a", { phase: "Pending", reason: "ImagePullBackOff" });
      expect((await t.dial()).destroyed()).toBe(true);
      await t.observe("web-a", { phase: "Pending" });
      const held = [];
      for (let i = 0; i < maxHeld; i++) held.push(await t.dial());
      expect(held.some((h) => h.destroyed())).toBe(false);
      expect((await t.dial()).destroyed()).toBe(true);
      // A running pod with no fill to wait for takes them all.
      await t.observe("web-a", { phase: "Running" });
      expect(t.cluster.forwarded).toHaveLength(maxHeld);
    });

    it("is refused when the forward closes (the port left the compose file)", async () => {
      const t = await start();
      await t.observe("web-a", { phase: "Pending" });
      const held = await t.dial();
      t.loader.set(withPorts([]));
      t.engine.dispatch({ type: "projectRequested", request });
      await t.settle();
      expect(held.destroyed()).toBe(true);
    });
  });
});
