import { describe, expect, it } from "vitest";
import type { PublicProject, PublicService } from "../../daemon/src/api/types.js";
import { createBuildProgressView } from "./build-progress.js";

type Progress = NonNullable<NonNullable<PublicService["build"]>["progress"]>;

const service = (name: string, progress?: Progress, status: "building" | "built" | "failed" = "building"): PublicService => ({
  name,
  phase: status === "building" ? "building" : "starting",
  waitingFor: [],
  pods: [],
  restarts: 0,
  ports: [],
  build: { status, image: `${name}:dev`, tail: [], ...(progress === undefined ? {} : { progress }) },
});
const project = (...services: PublicService[]): PublicProject => ({ name: "shop", status: "active", composeFiles: [], diagnostics: [], warnings: [], previousNamespaces: [], services, settled: false, changes: [] });

const setup = (tty: boolean, columns?: number) => {
  const written: string[] = [];
  const view = createBuildProgressView({ tty, color: false, write: (t) => void written.push(t), ...(columns === undefined ? {} : { columns: () => columns }), width: () => 4 });
  return { view, written, text: () => written.join("") };
};

describe("up's build progress", () => {
  it("without a terminal: a plain line per step change, not per output line", () => {
    const t = setup(false);
    t.view.update(project(service("web", { step: "1/3", name: "FROM node:20", state: "cached" })));
    t.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "running" })));
    t.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "running", last: "added 3 packages" })));
    t.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "done", last: "added 9 packages" })));
    t.view.update(project(service("web", undefined, "built")));
    expect(t.text()).toBe([
      "web  | build step 1/3 FROM node:20: cached",
      "web  | build step 2/3 RUN npm ci: running",
      "web  | build step 2/3 RUN npm ci: done — added 9 packages",
      "",
    ].join("\n"));
    t.view.print("web  | listening\n");
    expect(t.written.at(-1)).toBe("web  | listening\n");
  });

  it("on a terminal: one live line per building service, redrawn in place, other output above it, cleared at the end", () => {
    const t = setup(true);
    t.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "running" }), service("api", { step: "1/2", name: "FROM golang", state: "cached" })));
    expect(t.written.at(-1)).toBe("web  | build step 2/3 RUN npm ci: running\napi  | build step 1/2 FROM golang: cached\n");
    t.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "running", last: "added 3 packages" }), service("api", { step: "1/2", name: "FROM golang", state: "cached" })));
    // Up two lines, clear to the end, draw again.
    expect(t.written.at(-1)).toBe("\u001b[2A\r\u001b[0Jweb  | build step 2/3 RUN npm ci: running — added 3 packages\napi  | build step 1/2 FROM golang: cached\n");
    const before = t.written.length;
    t.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "running", last: "added 3 packages" }), service("api", { step: "1/2", name: "FROM golang", state: "cached" })));
    expect(t.written.length).toBe(before);
    const errors: string[] = [];
    t.view.print("✖ db failed\n", (x) => void errors.push(x));
    expect(t.written.slice(before)).toEqual(["\u001b[2A\r\u001b[0J", "web  | build step 2/3 RUN npm ci: running — added 3 packages\napi  | build step 1/2 FROM golang: cached\n"]);
    expect(errors).toEqual(["✖ db failed\n"]);
    // api is built: its line goes.
    t.view.update(project(service("web", { step: "3/3", name: "COPY . .", state: "done" }), service("api", undefined, "built")));
    expect(t.written.at(-1)).toBe("\u001b[2A\r\u001b[0Jweb  | build step 3/3 COPY . .: done\n");
    t.view.close();
    expect(t.written.at(-1)).toBe("\u001b[1A\r\u001b[0J");
  });

  it("keeps a live line one line: the terminal's width, no escape sequences or tabs from the build's output", () => {
    const t = setup(true, 40);
    t.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "running", last: "\u001b[31mnpm\u001b[0m\tWARN deprecated something-very-long" })));
    const line = t.text().split("\n")[0] ?? "";
    expect(line).toBe("web  | build step 2/3 RUN npm ci: runn…");
    // Short of the last column (writing there wraps on some terminals).
    expect(line.length).toBeLessThan(40);
    // A long step name is cut so its last output line shows.
    const t3 = setup(true, 100);
    t3.view.update(project(service("web", { step: "2/3", name: 'RUN for i in 1 2 3 4 5 6; do echo "tick $i"; sleep 0.7; done', state: "running", last: "tick 4" })));
    expect(t3.text()).toBe('web  | build step 2/3 RUN for i in 1 2 3 4 5 6; do echo "tick…: running — tick 4\n');
    const t2 = setup(true);
    t2.view.update(project(service("web", { step: "2/3", name: "RUN npm ci", state: "running", last: "\u001b[31mnpm\u001b[0m\tWARN" })));
    expect(t2.text()).toBe("web  | build step 2/3 RUN npm ci: running — npm WARN\n");
  });
});
