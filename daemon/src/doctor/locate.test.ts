import { describe, expect, it } from "vitest";
import { createLocator, relativeTo, resolveSourceFile } from "./locate.js";
import { makeProject } from "./testing/doctor-harness.js";

const text = `services:
  web:
    build:
      context: ./web
      args:
        BASE: node:20
    environment:
    - DB_PASSWORD=x
    - OTHER=y
  api:
    environment:
      DB_PASSWORD: z
`;
const lines = text.split("\n");
const lineOf = (file: string, line: number): string | undefined => (file === "/p/compose.yml" ? lines[line - 1] : undefined);
const project = makeProject(
  { web: {}, api: {} },
  {
    sourceMap: {
      "services.web": { file: "/p/compose.yml", line: 2, column: 3 },
      "services.web.build": { file: "/p/compose.yml", line: 3, column: 5 },
      "services.web.environment": { file: "/p/compose.yml", line: 7, column: 5 },
      "services.api": { file: "/p/compose.yml", line: 10, column: 3 },
    },
  },
);
const locate = createLocator(project, relativeTo("/p"), lineOf);

describe("createLocator", () => {
  it("uses the source map when it has the key", () => {
    expect(locate.compose("services.web.build")).toEqual({ file: "compose.yml", line: 3, column: 5, path: "services.web.build" });
  });

  it("finds deeper keys in the text under the nearest mapped one", () => {
    expect(locate.compose("services.web.build.args.BASE")).toMatchObject({ line: 6, column: 9 });
    expect(locate.compose("services.web.environment.OTHER")).toMatchObject({ line: 9, column: 7 });
    expect(locate.compose("services.api.environment.DB_PASSWORD")).toMatchObject({ line: 12, column: 7 });
  });

  it("does not wander into the next service's block", () => {
    expect(locate.composeSource("services.web.environment.NOPE")).toBeUndefined();
    expect(locate.compose("services.web.environment.NOPE")).toMatchObject({ line: 7, column: 5 });
  });

  it("falls back to the first compose file with no line", () => {
    expect(createLocator(makeProject({ x: {} }), relativeTo("/p")).compose("services.x.image")).toEqual({ file: "compose.yml", line: 0, column: 0, path: "services.x.image" });
  });
});

describe("resolveSourceFile", () => {
  const project = { ...makeProject({}), workingDir: "/p", composeFiles: ["/p/compose.yml", "/p/ops/compose.override.yml"] };
  it("maps a source-map file named relative to the loader's cwd to the absolute compose file", () => {
    expect(resolveSourceFile(project, "compose.yml")).toBe("/p/compose.yml");
    expect(resolveSourceFile(project, "./ops/compose.override.yml")).toBe("/p/ops/compose.override.yml");
    expect(resolveSourceFile(project, "/abs/compose.yml")).toBe("/abs/compose.yml");
    expect(resolveSourceFile(project, "other.yml")).toBe("/p/other.yml");
  });
});
