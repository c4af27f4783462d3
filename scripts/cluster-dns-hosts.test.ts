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

describe("renderHostsFile with headless Services", () => {
  const headless = { namespace: "shop", name: "cache", clusterIP: "None" };

  it("writes one line per ready Endpoints address of a headless Service", () => {
    const text = renderHostsFile(
      [headless, { namespace: "shop", name: "web", clusterIP: "10.0.0.12" }],
      [
        { namespace: "shop", name: "cache", addresses: ["172.17.0.9", "172.17.0.4"] },
        { namespace: "shop", name: "web", addresses: ["172.17.0.5"] },
      ],
    );
    expect(text.split("\n").slice(1)).toEqual([
      "10.0.0.12 web.shop.svc.cluster.local",
      "172.17.0.4 cache.shop.svc.cluster.local",
      "172.17.0.9 cache.shop.svc.cluster.local",
      "",
    ]);
  });

  it("writes nothing for a headless Service without ready addresses or without Endpoints", () => {
    const text = renderHostsFile([headless, { namespace: "x", name: "lonely", clusterIP: "None" }], [{ namespace: "shop", name: "cache", addresses: [] }]);
    expect(text.split("\n").filter((l) => l && !l.startsWith("#"))).toEqual([]);
  });

  it("ignores Endpoints whose Service is missing or not headless", () => {
    const text = renderHostsFile([], [{ namespace: "shop", name: "cache", addresses: ["172.17.0.9"] }]);
    expect(text).not.toContain("172.17.0.9");
  });
});
