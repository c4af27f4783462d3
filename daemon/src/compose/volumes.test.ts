import { describe, expect, it } from "vitest";
import { createNormalizeContext } from "./normalize-context.js";
import { parseComposeFile } from "./parse.js";
import type { LMap } from "./located.js";
import { get } from "./located.js";
import { normalizeServiceVolumes } from "./volumes.js";
import type { Diagnostic } from "../errors/diagnostic.js";

const run = (yaml: string, baseDir = "/p") => {
  const root = parseComposeFile({ text: `v: ${yaml}`, file: "c.yml", baseDir }).root as LMap;
  const diagnostics: Diagnostic[] = [];
  const refs: { name: string; path: string }[] = [];
  const specs = normalizeServiceVolumes(createNormalizeContext(diagnostics), get(root, "v"), "services.s.volumes", "/home/me", refs as never);
  return { specs, diagnostics, refs: refs.map((r) => [r.name, r.path]) };
};

describe("normalizeServiceVolumes", () => {
  it("short syntax: bind (relative, absolute, home), named, anonymous, modes", () => {
    const { specs, refs, diagnostics } = run("['./src:/app/src:ro', '/etc/x:/x', '~/cache:/c', 'data:/d:nocopy', '/anon', '../up:/up:rw,z']", "/work/proj");
    expect(diagnostics).toEqual([]);
    expect(specs).toEqual([
      { type: "bind", source: "/work/proj/src", target: "/app/src", readOnly: true, createHostPath: true },
      { type: "bind", source: "/etc/x", target: "/x", readOnly: false, createHostPath: true },
      { type: "bind", source: "/home/me/cache", target: "/c", readOnly: false, createHostPath: true },
      { type: "volume", source: "data", target: "/d", readOnly: false, nocopy: true },
      { type: "volume", target: "/anon", readOnly: false, nocopy: false },
      { type: "bind", source: "/work/up", target: "/up", readOnly: false, createHostPath: true },
    ]);
    expect(refs).toEqual([["data", "services.s.volumes[3]"]]);
  });

  it("long syntax: bind with create_host_path, volume with subpath, tmpfs with size and mode", () => {
    const { specs, diagnostics } = run(
      "[{type: bind, source: ./s, target: /s, read_only: true, bind: {create_host_path: false}}, {type: volume, source: data, target: /d, volume: {subpath: sub}}, {type: tmpfs, target: /t, tmpfs: {size: 64m, mode: '1777'}}]",
    );
    expect(diagnostics).toEqual([]);
    expect(specs).toEqual([
      { type: "bind", source: "/p/s", target: "/s", readOnly: true, createHostPath: false },
      { type: "volume", source: "data", target: "/d", readOnly: false, nocopy: false, subpath: "sub" },
      { type: "tmpfs", target: "/t", readOnly: false, size: 64 * 1024 ** 2, mode: 0o1777 },
    ]);
  });

  it("reports bad mounts at the item", () => {
    const { diagnostics } = run("['./a:rel', 'x:/y:bogus', {type: nfs, target: /n}, {source: a}]");
    expect(diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["DL-COMPOSE-013", "services.s.volumes[0]"],
      ["DL-COMPOSE-013", "services.s.volumes[1]"],
      ["DL-COMPOSE-011", "services.s.volumes[2].type"],
      ["DL-COMPOSE-013", "services.s.volumes[3]"],
    ]);
  });
});
