import { describe, expect, it } from "vitest";
import { chooseImageDelivery, COMPOSE_FROM, deliveredReference, deliverySettings, ENV_FROM, envDeliverySource, kindLoadCommand } from "./image-delivery.js";

const dockerNode = { name: "devloop-node", containerRuntime: "docker://20.10.24" };
const kindNode = (name: string) => ({ name, containerRuntime: "containerd://1.7.18" });

describe("chooseImageDelivery", () => {
  it("uses the shared Docker engine when the kubelet runs on it (the bed)", () => {
    expect(chooseImageDelivery({ nodes: [dockerNode], kubeContext: "devloop" })).toMatchObject({ ok: true, delivery: { strategy: "docker" } });
  });

  it("needs the engine to be the node itself when there are several docker nodes", () => {
    const nodes = [dockerNode, { ...dockerNode, name: "other" }];
    expect(chooseImageDelivery({ nodes, registry: "r:5000" })).toMatchObject({ ok: true, delivery: { strategy: "registry" } });
  });

  it("counts only the nodes an ordinary pod can land on (the two-node bed's tainted second node does not)", () => {
    const bed = [{ ...dockerNode, name: "vm" }, { ...dockerNode, name: "vm-node2", schedulable: false }];
    expect(chooseImageDelivery({ nodes: bed, dockerEngineName: "vm", registry: "127.0.0.1:5000" })).toMatchObject({ ok: true, delivery: { strategy: "docker" } });
    const untainted = bed.map((n) => ({ ...n, schedulable: true }));
    expect(chooseImageDelivery({ nodes: untainted, dockerEngineName: "vm", registry: "127.0.0.1:5000" })).toMatchObject({ ok: true, delivery: { strategy: "registry" } });
    const allTainted = bed.map((n) => ({ ...n, schedulable: false }));
    expect(chooseImageDelivery({ nodes: allTainted, dockerEngineName: "vm", registry: "127.0.0.1:5000" })).toMatchObject({ ok: true, delivery: { strategy: "registry" } });
  });

  it("pushes when the nodes are unknown (an identity that may not list them) and a registry is configured", () => {
    expect(chooseImageDelivery({ nodes: [], kubeContext: "team-dev", registry: "127.0.0.1:5000" })).toMatchObject({ ok: true, delivery: { strategy: "registry" } });
  });

  it("loads into kind from the context name or kind's node names", () => {
    expect(chooseImageDelivery({ nodes: [kindNode("dev-control-plane")], kubeContext: "kind-dev" })).toMatchObject({ ok: true, delivery: { strategy: "kind", cluster: "dev" } });
    expect(chooseImageDelivery({ nodes: [kindNode("shop-control-plane"), kindNode("shop-worker"), kindNode("shop-worker2")], kubeContext: "ci" })).toMatchObject({
      ok: true,
      delivery: { strategy: "kind", cluster: "shop" },
    });
  });

  it("pushes to a configured registry otherwise, and says what to set when there is none", () => {
    const remote = [kindNode("gke-pool-1-abc")];
    expect(chooseImageDelivery({ nodes: remote, kubeContext: "gke_x", registry: "eu.gcr.io/team/" })).toEqual({
      ok: true,
      delivery: { strategy: "registry", registry: "eu.gcr.io/team", reason: "a registry is configured" },
    });
    const none = chooseImageDelivery({ nodes: remote, kubeContext: "gke_x" });
    expect(none.ok).toBe(false);
    if (!none.ok) expect(none.message).toContain("set DEVLOOP_REGISTRY");
  });

  it("honours an explicit choice, and rejects unknown ones or registry without a registry", () => {
    expect(chooseImageDelivery({ explicit: "registry", nodes: [dockerNode], registry: "localhost:5000" })).toMatchObject({ ok: true, delivery: { strategy: "registry" } });
    expect(chooseImageDelivery({ explicit: "kind", nodes: [] })).toMatchObject({ ok: true, delivery: { strategy: "kind", cluster: "kind" } });
    expect(chooseImageDelivery({ explicit: "registry", nodes: [] })).toMatchObject({ ok: false });
    expect(chooseImageDelivery({ explicit: "ftp", nodes: [] })).toEqual({ ok: false, message: 'unknown image delivery "ftp"; expected one of auto, registry, engine, docker, kind' });
  });

  it("takes engine for docker and auto for no choice, and says where a choice came from", () => {
    expect(chooseImageDelivery({ explicit: "engine", explicitFrom: "x-devloop.image_delivery", nodes: [], registry: "r:5000" })).toEqual({ ok: true, delivery: { strategy: "docker", reason: "chosen by x-devloop.image_delivery" } });
    expect(chooseImageDelivery({ explicit: "auto", nodes: [dockerNode], registry: "r:5000" })).toMatchObject({ ok: true, delivery: { strategy: "docker" } });
    expect(chooseImageDelivery({ nodes: [], registry: "r:5000", registryFrom: "x-devloop.registry" })).toMatchObject({ ok: true, delivery: { reason: "a registry is configured (x-devloop.registry)" } });
  });
});

describe("deliverySettings: a flag, then the environment, then the compose file, then auto", () => {
  const levels = (env: Record<string, string>, compose?: { imageDelivery?: string; registry?: string }) => [
    { from: { imageDelivery: "--image-delivery", registry: "--registry" }, source: undefined },
    { from: ENV_FROM, source: envDeliverySource(env) },
    { from: COMPOSE_FROM, source: compose },
  ];

  it("takes each setting from the first level that sets it", () => {
    expect(deliverySettings(levels({}, { imageDelivery: "registry", registry: "c.example" }))).toEqual({ explicit: "registry", explicitFrom: "x-devloop.image_delivery", registry: "c.example", registryFrom: "x-devloop.registry" });
    expect(deliverySettings(levels({ DEVLOOP_REGISTRY: "e.example:5000" }, { imageDelivery: "registry", registry: "c.example" }))).toEqual({ explicit: "registry", explicitFrom: "x-devloop.image_delivery", registry: "e.example:5000", registryFrom: "DEVLOOP_REGISTRY" });
    expect(deliverySettings([{ from: { imageDelivery: "--image-delivery", registry: "--registry" }, source: { imageDelivery: "engine" } }, ...levels({ DEVLOOP_IMAGE_DELIVERY: "registry" }).slice(1)])).toEqual({ explicit: "engine", explicitFrom: "--image-delivery" });
    expect(deliverySettings(levels({ DEVLOOP_IMAGE_DELIVERY: " ", DEVLOOP_REGISTRY: "" }))).toEqual({});
  });

  it("auto at a higher level stops a lower level's choice (decide from the cluster)", () => {
    expect(deliverySettings(levels({ DEVLOOP_IMAGE_DELIVERY: "auto" }, { imageDelivery: "registry", registry: "c.example" }))).toEqual({ registry: "c.example", registryFrom: "x-devloop.registry" });
  });
});

describe("delivery commands and references", () => {
  it("kind load docker-image <ref> --name <cluster>", () => {
    expect(kindLoadCommand("dev", "shop-web:dl-0123456789ab")).toEqual(["kind", "load", "docker-image", "shop-web:dl-0123456789ab", "--name", "dev"]);
  });

  it("prefixes the registry only under the registry strategy", () => {
    expect(deliveredReference({ strategy: "registry", registry: "localhost:5000", reason: "" }, "shop-web:dl-1")).toBe("localhost:5000/shop-web:dl-1");
    expect(deliveredReference({ strategy: "docker", reason: "" }, "shop-web:dl-1")).toBe("shop-web:dl-1");
    expect(deliveredReference({ strategy: "kind", cluster: "dev", reason: "" }, "shop-web:dl-1")).toBe("shop-web:dl-1");
  });
});
