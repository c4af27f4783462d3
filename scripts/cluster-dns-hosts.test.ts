import { describe, expect, it } from "vitest";
import { hasClusterAddress, renderHostsFile } from "./cluster-dns-hosts.js";

describe("renderHostsFile", () => {
  it("writes one sorted line per Service with a ClusterIP", () => {
    const text = renderHostsFile([
      { namespace: "shop", name: "web", clusterIP: "10.0.0.12" },
      { namespace: "default", name: "kubernetes", clusterIP: "10.0.0.1" },
    ]);
    expect(text.split("\n").slice(1)).toEqual([
      "10.0.0.1 kubernetes.default.svc.cluster.local",
      "10.0.0.12 web.shop.svc.cluster.local",
      "",
    ]);
  });

  it("skips headless, ExternalName and unallocated Services", () => {
    const text = renderHostsFile([
      { namespace: "a", name: "headless", clusterIP: "None" },
      { namespace: "a", name: "external", clusterIP: undefined },
      { namespace: "a", name: "empty", clusterIP: "" },
    ]);
    expect(text.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([]);
  });

  it("is byte-identical for the same set in any order", () => {
    const a = { namespace: "x", name: "a", clusterIP: "10.0.0.5" };
    const b = { namespace: "x", name: "b", clusterIP: "10.0.0.6" };
    expect(renderHostsFile([a, b])).toBe(renderHostsFile([b, a]));
  });

  it("accepts IPv6 cluster addresses", () => {
    expect(hasClusterAddress({ namespace: "x", name: "v6", clusterIP: "fd00::10" })).toBe(true);
  });
});
