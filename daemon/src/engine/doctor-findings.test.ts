import { describe, expect, it } from "vitest";
import type { Finding } from "../doctor/finding.js";
import { findingsByService } from "../ports/doctor.js";
import { createFakeClock } from "../ports/fakes/fake-clock.js";
import { createFakeDoctor } from "../ports/fakes/fake-doctor.js";
import { createFakeProjectLoader } from "../ports/fakes/fake-project-loader.js";
import type { ComposeProject } from "../compose/types.js";
import { createConfigController } from "./controllers/config-controller.js";
import { ok, shopProject } from "./controllers/test-project.js";
import { createEngine } from "./engine.js";
import { toPublicProject } from "./public-view.js";

const finding = (service: string, severity: "error" | "warning", line: number, extra: Partial<Finding> = {}): Finding => ({
  code: "DL-DOCTOR-001",
  severity,
  file: "compose.yml",
  line,
  column: 5,
  path: `services.${service}.environment.API_KEY`,
  service,
  message: `finding on line ${line}`,
  why: "it matters",
  fix: "do the fix",
  hint: "do the fix",
  ...extra,
});

describe("doctor findings in the public view", () => {
  it("a loaded project's findings land on their services; services without findings have none", async () => {
    const doctor = createFakeDoctor([finding("web", "error", 3), finding("web", "warning", 7, { sensitive: true, got: "s3cr3t-value" }), finding("api", "warning", 12)]);
    const found = await doctor.check({ name: "shop" } as ComposeProject);
    const loader = createFakeProjectLoader(ok({ ...shopProject(), findings: findingsByService(found) }));
    const engine = createEngine({ clock: createFakeClock(), controllers: [createConfigController({ loader })] });
    engine.dispatch({
      type: "projectRequested",
      request: { name: "shop", options: { files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/p" }, isolation: true },
    });
    for (let i = 0; i < 10; i++) {
      await engine.store.settle();
      await new Promise((r) => setImmediate(r));
    }
    const services = Object.fromEntries(toPublicProject(engine.getState().projects["shop"]!).services.map((s) => [s.name, s.findings]));
    expect(services["web"]).toEqual([
      { code: "DL-DOCTOR-001", severity: "error", message: "finding on line 3", file: "compose.yml", line: 3, fix: "do the fix" },
      { code: "DL-DOCTOR-001", severity: "warning", message: "finding on line 7", file: "compose.yml", line: 7, fix: "do the fix" },
    ]);
    expect(services["api"]).toHaveLength(1);
    expect(services["cache"]).toBeUndefined();
    expect(JSON.stringify(toPublicProject(engine.getState().projects["shop"]!))).not.toContain("s3cr3t-value");
  });
});
