import { describe, expect, it } from "vitest";
import type { ManifestEntry } from "./hash-manifest.js";
import { detectDrift, entryDigest, hashContent, manifestFromJson, manifestToJson, parseRemoteListing, withoutPath } from "./hash-manifest.js";

const file = (text: string, mode = 0o644): ManifestEntry => ({ kind: "file", hash: hashContent(Buffer.from(text)), mode, size: text.length });

describe("hash manifests", () => {
  it("hashes with sha256, as sha256sum does", () => {
    expect(hashContent(Buffer.from("hello\n"))).toBe("5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03");
  });
  it("removes a path and everything under it", () => {
    const m = new Map<string, ManifestEntry>([["a", file("1")], ["a/b", file("2")], ["ab", file("3")]]);
    withoutPath(m, "a");
    expect([...m.keys()]).toEqual(["ab"]);
  });
  it("round-trips through JSON, written in path order whatever the insertion order", () => {
    const a = new Map<string, ManifestEntry>([["x", file("1", 0o755)], ["y", { kind: "symlink", target: "x" }]]);
    const b = new Map<string, ManifestEntry>([["y", { kind: "symlink", target: "x" }], ["x", file("1", 0o755)]]);
    expect(JSON.stringify(manifestToJson(b))).toBe(JSON.stringify(manifestToJson(a)));
    expect(manifestFromJson(manifestToJson(a))).toEqual(a);
  });
  it("parses a remote listing and detects drift, leaving image-seeded files alone", () => {
    const manifest = new Map<string, ManifestEntry>([
      ["same.js", file("same")],
      ["changed.js", file("mine")],
      ["missing.js", file("gone")],
      ["link", { kind: "symlink", target: "same.js" }],
    ]);
    const listing = [
      `${entryDigest(file("same"))}  ./same.js`,
      `${entryDigest(file("theirs"))}  ./changed.js`,
      `${entryDigest(file("seeded"))}  ./node_modules/x/index.js`,
      "symlink:same.js  ./link",
      "\\0123  ./weird\\nname",
      "",
    ].join("\n");
    const remote = parseRemoteListing(listing);
    expect(remote.get("node_modules/x/index.js")).toBe(hashContent(Buffer.from("seeded")));
    expect(detectDrift(manifest, remote)).toEqual({ missing: ["missing.js"], changed: ["changed.js"] });
  });
});
