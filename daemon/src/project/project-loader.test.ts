import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { createFakeDoctor } from "../ports/fakes/fake-doctor.js";
import { nodeProjectFiles } from "./node-project-files.js";
import { cachedProjectAssets } from "./project-assets.js";
import { createProjectLoader } from "./project-loader.js";

const assets = cachedProjectAssets();
const root = fileURLToPath(new URL("../../../", import.meta.url));

describe("project loader with a doctor", () => {
  it("runs the doctor on the loaded compose project and puts its findings per service on LoadedProject", async () => {
    const doctor = createFakeDoctor([
      { code: "DL-DOCTOR-001", severity: "warning", file: "compose.example.yml", line: 16, column: 3, path: "services.web", service: "web", message: "runs as root", why: "w", fix: "add USER 1000", hint: "add USER 1000" },
    ]);
    const loader = createProjectLoader({ files: nodeProjectFiles, assets, doctor });
    const result = await loader.load({ options: { files: ["compose.example.yml"], profiles: [], envFiles: [], services: [], environment: { DEVLOOP_USER: "t" }, cwd: root } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(doctor.checked.map((p) => Object.keys(p.services))).toEqual([result.project.services]);
    expect(result.project.findings).toEqual({ web: [{ code: "DL-DOCTOR-001", severity: "warning", message: "runs as root", file: "compose.example.yml", line: 16, fix: "add USER 1000" }] });
  });
});

describe("project loader: what up applies is what render prints", () => {
  it("fills LoadedProject.live (watch rules with file paths found on disk, the compile spec from the built-in presets)", async () => {
    const result = await createProjectLoader({ files: nodeProjectFiles, assets }).load({ options: { files: ["compose.example.yml"], profiles: [], envFiles: [], services: [], environment: { DEVLOOP_USER: "t" }, cwd: root } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const live = result.project.live ?? {};
    expect(Object.keys(live).sort()).toEqual(["api", "web"]);
    expect(live["web"]?.rules.find((r) => r.action === "sync+exec")).toMatchObject({ only: "package.json", targetDir: "/app" });
    expect(live["web"]).toMatchObject({ restart: "process", seededDirs: ["/app"] });
    expect(live["api"]?.compile).toMatchObject({ preset: "go", output: "/out/api", target: "/app/api" });
  });
});

describe("project loader: the files an edit reloads", () => {
  it("names the compose files and every other file the load read, but not the Dockerfiles", async () => {
    const result = await createProjectLoader({ files: nodeProjectFiles, assets }).load({ options: { files: ["compose.example.yml"], profiles: [], envFiles: [], services: [], environment: { DEVLOOP_USER: "t" }, cwd: root } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const inputs = (result.project.inputFiles ?? []).map((f) => path.relative(root, f));
    // compose.example.yml's web lists ./example/web/web.env with required: false; it is read only when it exists.
    expect(inputs.slice(0, 2)).toEqual(["compose.example.yml", ".env"]);
    expect(inputs.some((f) => path.basename(f) === "Dockerfile")).toBe(false);
  });
});

describe("project loader: published ports", () => {
  it('keeps a port without a host port ("80", "127.0.0.1::443") as published 0, for a forward on a free local port', async () => {
    const result = await createProjectLoader({ files: nodeProjectFiles, assets }).load({ options: { files: ["fixtures/compose/ports-ephemeral/compose.yml"], profiles: [], envFiles: [], services: [], environment: { DEVLOOP_USER: "t" }, cwd: root } });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.project.ports).toEqual([
      { service: "web", published: 0, target: 80, protocol: "tcp" },
      { service: "web", published: 0, target: 443, protocol: "tcp", hostIp: "127.0.0.1" },
      { service: "web", published: 8080, target: 8080, protocol: "tcp" },
    ]);
  });
});

describe("project loader: the namespace defaults up installs", () => {
  const options = { files: ["fixtures/isolation/compose.yml"], profiles: [], envFiles: [], services: [], environment: { DEVLOOP_USER: "t" }, cwd: root };

  it("warns (DL-ISOLATION-001..003) where a service collides with them, so up prints what validate prints, and the load still succeeds", async () => {
    const result = await createProjectLoader({ files: nodeProjectFiles, assets }).load({ options, isolation: true });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const isolation = result.project.warnings.filter((d) => d.code.startsWith("DL-ISOLATION-"));
    expect(isolation.map((d) => [d.code, d.severity, d.path])).toEqual([
      ["DL-ISOLATION-001", "warning", "services.db.mem_limit"],
      ["DL-ISOLATION-002", "warning", "services.cache.deploy.resources.reservations.cpus"],
      ["DL-ISOLATION-003", "warning", "services.search.environment.ES_JAVA_OPTS"],
    ]);
  });

  it("says nothing of them under up --no-isolation (no LimitRange is installed)", async () => {
    const result = await createProjectLoader({ files: nodeProjectFiles, assets }).load({ options, isolation: false });
    expect(result.ok && result.project.warnings.some((d) => d.code.startsWith("DL-ISOLATION-"))).toBe(false);
  });
});
