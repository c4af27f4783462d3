import { describe, expect, it } from "vitest";
import { chooseImageDelivery, deliveredReference, kindLoadCommand } from "./image-delivery.js";

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
    expect(chooseImageDelivery({ explicit: "ftp", nodes: [] })).toEqual({ ok: false, message: 'unknown image delivery "ftp"; expected one of docker, kind, registry' });
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
