import { describe, expect, it } from "vitest";
import { applyTemplate, mergeOver } from "./templates.js";

describe("mergeOver", () => {
  it("merges mappings, lets the generated value win, replaces arrays", () => {
    expect(mergeOver({ a: 1, b: { c: 2, d: 3 }, e: [1, 2] }, { b: { c: 9 }, e: [3] })).toEqual({ b: { c: 9, d: 3 }, e: [3], a: 1 });
  });

  it("merges the template's first container under every container", () => {
    expect(mergeOver({ containers: [{ securityContext: { runAsNonRoot: true }, name: "x" }] }, { containers: [{ name: "web" }, { name: "side" }] })).toEqual({
      containers: [
        { name: "web", securityContext: { runAsNonRoot: true } },
        { name: "side", securityContext: { runAsNonRoot: true } },
      ],
    });
  });

  it("applies a template by kind without touching apiVersion or kind", () => {
    const manifest = { apiVersion: "v1", kind: "Service", metadata: { name: "web" }, spec: { type: "ClusterIP" } };
    expect(applyTemplate(manifest, { Service: { apiVersion: "v9", kind: "Service", metadata: { labels: { team: "a" } }, spec: { ipFamilyPolicy: "SingleStack" } } })).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "web", labels: { team: "a" } },
      spec: { type: "ClusterIP", ipFamilyPolicy: "SingleStack" },
    });
  });
});
