import { describe, expect, it } from "vitest";
import { buildNetworkPolicies, hasNetworkIsolation, networkPodLabels, serviceNetworks } from "./network-policies.js";
import { project, service } from "../compose/test-project.js";

const on = (...networks: string[]) => ({ networks: Object.fromEntries(networks.map((n) => [n, { aliases: [] }])) });

describe("compose networks → NetworkPolicies", () => {
  it("a service without networks: is on default", () => {
    expect(serviceNetworks(service("a"))).toEqual(["default"]);
    expect(serviceNetworks(service("a", on("z", "b")))).toEqual(["b", "z"]);
  });

  it("separates nothing when every service is on the same networks", () => {
    for (const p of [project([service("a"), service("b")]), project([service("a", on("x", "y")), service("b", on("y", "x"))])]) {
      expect(hasNetworkIsolation(p)).toBe(false);
      expect(buildNetworkPolicies(p, "ns")).toEqual([]);
      expect(networkPodLabels(p, p.services["a"]!)).toEqual({});
    }
  });

  it("labels each pod with its networks and admits each network's members from its members only", () => {
    const p = project([service("web", on("front")), service("api", on("front", "back")), service("db", on("back")), service("tool")]);
    expect(hasNetworkIsolation(p)).toBe(true);
    expect(networkPodLabels(p, p.services["api"]!)).toEqual({ "devloop.dev/networks": "isolated", "net.devloop.dev/back": "true", "net.devloop.dev/front": "true" });
    expect(networkPodLabels(p, p.services["tool"]!)).toEqual({ "devloop.dev/networks": "isolated", "net.devloop.dev/default": "true" });
    const policies = buildNetworkPolicies(p, "ns");
    expect(policies.map((m) => m.metadata.name)).toEqual(["shop-net-back", "shop-net-default", "shop-net-front"]);
    expect(policies[0]?.["spec"]).toEqual({
      podSelector: { matchLabels: { "devloop.dev/project": "shop", "net.devloop.dev/back": "true" } },
      policyTypes: ["Ingress"],
      ingress: [{ from: [{ podSelector: { matchLabels: { "devloop.dev/project": "shop", "net.devloop.dev/back": "true" } } }] }],
    });
  });

  it("turns a network name that is not a label name into one", () => {
    const p = project([service("a", on("my net!")), service("b")]);
    expect(Object.keys(networkPodLabels(p, p.services["a"]!))).toContain("net.devloop.dev/my-net");
  });
});
