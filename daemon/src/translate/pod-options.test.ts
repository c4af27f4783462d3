import { describe, expect, it } from "vitest";
import { createContext } from "./context.js";
import { podOptions } from "./pod-options.js";
import { project, service } from "../compose/test-project.js";

const run = (overrides: Parameters<typeof service>[1]) => {
  const svc = service("app", overrides);
  const ctx = createContext(project([svc]), { namespace: "dev" }, { workloadNames: new Map(), serviceNames: new Map() });
  return { options: podOptions(ctx, svc), codes: ctx.diagnostics.map((d) => `${d.code} ${d.path}`) };
};

describe("podOptions", () => {
  it("is empty for a service that sets none of the keys", () => {
    expect(run({})).toEqual({ options: {}, codes: [] });
  });

  it("numeric group_add ids become supplementalGroups once each; names are warned about", () => {
    expect(run({ groupAdd: ["2000", " 3000", "2000", "video"] })).toEqual({
      options: { securityContext: { supplementalGroups: [2000, 3000] } },
      codes: ["DL-TRANSLATE-020 services.app.group_add[3]"],
    });
  });

  it("keeps the safe sysctls and leaves the others out with a warning", () => {
    expect(run({ sysctls: { "net.ipv4.ping_group_range": "0 2147483647", "vm.max_map_count": "262144" } })).toEqual({
      options: { securityContext: { sysctls: [{ name: "net.ipv4.ping_group_range", value: "0 2147483647" }] } },
      codes: ["DL-TRANSLATE-021 services.app.sysctls.vm.max_map_count"],
    });
  });

  it("dns: IPv4 and IPv6 addresses, deduplicated, at most 3; names and bad addresses are left out", () => {
    const { options, codes } = run({ dns: ["10.0.0.53", "10.0.0.53", "fd00::53", "256.1.1.1", "dns.local", "::1", "1.1.1.1"] });
    expect(options.dnsConfig).toEqual({ nameservers: ["10.0.0.53", "fd00::53", "::1"] });
    expect(codes).toEqual(["DL-TRANSLATE-022 services.app.dns[3]", "DL-TRANSLATE-022 services.app.dns[4]", "DL-TRANSLATE-022 services.app.dns[6]"]);
  });

  it("dns_search drops '.' and repeats, keeps 6; dns_opt splits name:value", () => {
    const { options, codes } = run({ dnsSearch: ["a.example", ".", "a.example", "b", "c", "d", "e", "f", "g"], dnsOpt: ["ndots:1", "timeout: 2", "rotate"] });
    expect(options.dnsConfig).toEqual({
      searches: ["a.example", "b", "c", "d", "e", "f"],
      options: [{ name: "ndots", value: "1" }, { name: "timeout", value: "2" }, { name: "rotate" }],
    });
    expect(codes).toEqual(["DL-TRANSLATE-022 services.app.dns_search[6]"]);
  });
});
