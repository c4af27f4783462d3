import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadProject } from "../compose/index.js";
import { createMemoryFileSystem } from "../compose/memory-file-system.js";
import type { ComposeProject } from "../compose/types.js";
import { parseCompileSpec } from "./compile-spec.js";
import { parseCompilerPreset } from "./compiler-preset.js";
import type { CompilerPreset } from "./compiler-preset.js";
import { loadCompilerPresets } from "./load-compiler-presets.js";

const go: CompilerPreset = {
  name: "go",
  image: "golang:1.22-bookworm",
  command: ["sh", "-c", "go build -o \"$DEVLOOP_OUTPUT\" ."],
  workdir: "/src",
  output: "/out/app",
  env: { CGO_ENABLED: "0", GOCACHE: "/cache/go-build" },
  cache: ["/cache"],
};
const presets = { go, c: { ...go, name: "c", image: "gcc:14-bookworm" } };

const project = (compile: string): ComposeProject => {
  const text = `services:\n  api:\n    build: ./api\n    x-devloop:\n      compile:\n${compile
    .split("\n")
    .map((l) => `        ${l}`)
    .join("\n")}\n`;
  const r = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, createMemoryFileSystem({ "compose.yaml": text, "api/Dockerfile": "FROM x" }));
  if (!r.ok) throw new Error(r.diagnostics.map((d) => d.message).join("\n"));
  return r.project;
};

const parse = (compile: string) => {
  const p = project(compile);
  const api = p.services["api"];
  if (!api) throw new Error("no api");
  return parseCompileSpec(p, api, presets);
};

describe("parseCompileSpec", () => {
  it("fills preset defaults under the service's own keys; the source defaults to the build context", () => {
    const r = parse("preset: go\noutput: /out/api\ntarget: /app/api\nenv: {GOFLAGS: -mod=vendor}");
    expect(r).toEqual({
      ok: true,
      spec: {
        service: "api",
        preset: "go",
        image: "golang:1.22-bookworm",
        command: go.command,
        workdir: "/src",
        output: "/out/api",
        target: "/app/api",
        source: "/p/api",
        cache: ["/cache"],
        env: { CGO_ENABLED: "0", GOCACHE: "/cache/go-build", GOFLAGS: "-mod=vendor" },
      },
    });
  });

  it("takes a string command as sh -c, own image, cache and source", () => {
    const r = parse("image: my/cc:1\ncommand: make out\noutput: /o/app\ntarget: /app/app\ncache: [/ccache]\nsource: ./src");
    expect(r.ok && r.spec).toMatchObject({ image: "my/cc:1", command: ["sh", "-c", "make out"], cache: ["/ccache"], source: path.resolve("/p", "src"), workdir: "/src" });
  });

  it("is undefined when the service has no compile spec", () => {
    const p = project("preset: go\ntarget: /app/api");
    const other = { ...p.services["api"]!, extensions: {} };
    expect(parseCompileSpec(p, other, presets)).toEqual({ ok: true, spec: undefined });
  });

  it("reports an unknown preset with the nearest name and its place in the file", () => {
    const r = parse("preset: gp\ntarget: /app/api");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics[0]).toMatchObject({
      code: "DL-BUILD-003",
      path: "services.api.x-devloop.compile.preset",
      // The loader's source map stops at the extension key: the nearest place is the x-devloop line.
      file: "compose.yaml",
      line: 4,
      expected: "one of c, go",
      got: '"gp"',
      hint: 'did you mean "go"?',
    });
    // Only that error: what the preset would have given (image, command, output) is not reported missing too.
    expect(r.diagnostics.map((d) => d.code)).toEqual(["DL-BUILD-003"]);
  });

  it("reports unknown keys, relative paths and a missing target, all at once", () => {
    const r = parse("preset: go\noutptu: /x\nworkdir: src\ncache: [rel]");
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.diagnostics.map((d) => [d.code, d.path])).toEqual([
      ["DL-BUILD-002", "services.api.x-devloop.compile.outptu"],
      ["DL-BUILD-004", "services.api.x-devloop.compile.workdir"],
      ["DL-BUILD-004", "services.api.x-devloop.compile.cache"],
      ["DL-BUILD-005", "services.api.x-devloop.compile"],
    ]);
    expect(r.diagnostics[0]?.hint).toBe('did you mean "output"?');
    expect(r.diagnostics[3]?.message).toBe("x-devloop.compile needs target");
  });

  it("refuses a target with .. segments, or the root directory (located at x-devloop, the deepest place the source map keeps)", () => {
    for (const [target, says] of [["/app/../../etc/x", "would resolve to /etc/x"], ["/", "root directory"]] as const) {
      const r = parse(`preset: go\ntarget: ${target}`);
      expect(r.ok).toBe(false);
      if (r.ok) return;
      expect(r.diagnostics.map((d) => [d.code, d.path, d.line])).toEqual([["DL-BUILD-004", "services.api.x-devloop.compile.target", 4]]);
      expect(r.diagnostics[0]?.message).toContain(says);
    }
  });

  it("needs image and command without a preset", () => {
    const r = parse("output: /o\ntarget: /t");
    expect(r.ok ? [] : r.diagnostics.map((d) => d.message)).toEqual(["x-devloop.compile needs image", "x-devloop.compile needs command"]);
  });

  it("rejects a compile spec that is not a mapping", () => {
    const p = project("preset: go");
    const api = { ...p.services["api"]!, extensions: { "x-devloop": { compile: "go" } } };
    const r = parseCompileSpec(p, api, presets);
    expect(r.ok ? undefined : r.diagnostics[0]).toMatchObject({ code: "DL-BUILD-001", got: '"go"' });
  });
});

describe("compiler presets", () => {
  it("loads the shipped go and c presets", async () => {
    const shipped = await loadCompilerPresets(path.resolve(import.meta.dirname, "../../../templates/compilers"));
    expect(Object.keys(shipped).sort()).toEqual(["c", "go"]);
    expect(shipped["go"]).toMatchObject({ workdir: "/src", cache: ["/cache"], env: { CGO_ENABLED: "0", GOCACHE: "/cache/go-build", GOMODCACHE: "/cache/gomod" } });
    expect(shipped["c"]?.env).toEqual({ CCACHE_DIR: "/cache/ccache" });
  });

  it("names the bad key of a broken preset", () => {
    expect(parseCompilerPreset("x", "image: a\ncommand: [go]\nworkdir: src\noutput: /o")).toEqual({ ok: false, message: "compiler preset x: workdir must be an absolute path" });
    expect(parseCompilerPreset("x", "image: [")).toMatchObject({ ok: false });
  });
});
