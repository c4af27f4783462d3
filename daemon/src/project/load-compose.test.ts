import { describe, expect, it } from "vitest";
import type { LoadOptions } from "../compose/types.js";
import { composeLoads, loadComposeModel } from "./load-compose.js";
import type { ProjectFiles } from "./project-files.js";

const files = (texts: Readonly<Record<string, string>>): ProjectFiles & { readonly reads: string[] } => {
  const reads: string[] = [];
  return {
    reads,
    readFile(file) {
      reads.push(file);
      return texts[file];
    },
    exists: (file) => file in texts,
    isFile: (file) => file in texts,
  };
};

const options = (more: Partial<LoadOptions> = {}): LoadOptions => ({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p", ...more });

const compose = `services:
  web: { image: nginx }
  debug: { image: busybox, profiles: [debug] }
`;

describe("the compose stage of the project use case", () => {
  it("loads the compose model alone, nothing translated", () => {
    const loaded = loadComposeModel(files({ "/p/compose.yaml": compose }), options());
    expect(loaded.ok && Object.keys(loaded.project.services)).toEqual(["web"]);
    expect(loaded.ok && loaded.project.name).toBe("p");
  });

  it("reads each file once across the loads of one ComposeLoads (config --profiles loads again with every profile)", () => {
    const disk = files({ "/p/compose.yaml": compose });
    const loads = composeLoads(disk);
    const active = loads.load(options());
    const all = loads.load(options({ profiles: ["*"] }));
    expect(active.ok && Object.keys(active.project.services)).toEqual(["web"]);
    expect(all.ok && Object.keys(all.project.services)).toEqual(["web", "debug"]);
    expect(disk.reads.filter((f) => f === "/p/compose.yaml")).toEqual(["/p/compose.yaml"]);
    expect(loads.files.read()).toContain("/p/compose.yaml");
  });

  it("answers a broken file with located diagnostics", () => {
    const loaded = loadComposeModel(files({ "/p/compose.yaml": "services:\n  web: { image: nginx, bogus: 1 }\n" }), options());
    expect(loaded.ok).toBe(false);
    expect(loaded.ok ? [] : loaded.diagnostics.map((d) => `${d.file}:${d.line}`)).toEqual(["compose.yaml:2"]);
  });
});
