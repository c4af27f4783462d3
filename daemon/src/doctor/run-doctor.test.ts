import { describe, expect, it } from "vitest";
import { groupFindingsByService, hasErrorFindings } from "./finding.js";
import type { ImageInfo, ImageInspector } from "./image-inspector.js";
import { createMemoryDoctorFileSystem } from "./memory-doctor-file-system.js";
import { runDoctor } from "./run-doctor.js";
import { codesOf, makeProject, runHarness } from "./testing/doctor-harness.js";

const rootDockerfile = "FROM node:20\nCMD node a.js\n";

const fakeImages = (images: Record<string, ImageInfo>): ImageInspector & { asked: string[] } => {
  const asked: string[] = [];
  return {
    asked,
    inspect: (ref) => {
      asked.push(ref);
      return Promise.resolve(images[ref]);
    },
  };
};

const bigImage = (ref: string, sizeBytes: number, user = ""): ImageInfo => ({
  ref,
  id: "sha256:1",
  sizeBytes,
  user,
  layers: [
    { createdBy: "/bin/sh -c #(nop)  CMD [\"node\"]", sizeBytes: 0 },
    { createdBy: "/bin/sh -c apt-get install -y big-thing", sizeBytes: 150_000_000 },
    { createdBy: "/bin/sh -c #(nop) ADD file:abc in /", sizeBytes: 80_000_000 },
  ],
});

describe("runDoctor", () => {
  it("fills severity, why and fix from the code table (hint = fix)", async () => {
    const [finding] = await runHarness({ dockerfile: rootDockerfile });
    expect(finding).toMatchObject({ code: "DL-DOCTOR-001", severity: "warning", service: "app" });
    expect(finding?.why).toMatch(/root/);
    expect(finding?.hint).toBe(finding?.fix);
  });

  it("silences codes per service with x-devloop.doctor.ignore, and project-wide", async () => {
    expect(codesOf(await runHarness({ dockerfile: rootDockerfile }))).toEqual(["DL-DOCTOR-001", "DL-DOCTOR-002", "DL-DOCTOR-013"]);
    const perService = await runHarness({ dockerfile: rootDockerfile, service: { extensions: { "x-devloop": { doctor: { ignore: ["DL-DOCTOR-001", "dl-doctor-013"] } } } } });
    expect(codesOf(perService)).toEqual(["DL-DOCTOR-002"]);
    const projectWide = await runHarness({ dockerfile: rootDockerfile, extensions: { "x-devloop": { doctor: { ignore: ["DL-DOCTOR-002"] } } } });
    expect(codesOf(projectWide)).toEqual(["DL-DOCTOR-001", "DL-DOCTOR-013"]);
  });

  it("DL-DOCTOR-002: reports unpinned service images at the image key", async () => {
    const findings = await runHarness({ service: { image: "redis", user: "999" }, sourceMap: { "services.app.image": { file: "/p/compose.yml", line: 3, column: 12 } } });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-002", file: "compose.yml", line: 3, column: 12, message: "image redis has no tag, so it means latest" }]);
  });

  it("DL-DOCTOR-001: reports user: root on the service at its key", async () => {
    const findings = await runHarness({ service: { image: "redis:7.2.5", user: "root" }, sourceMap: { "services.app": { file: "/p/compose.yml", line: 2, column: 3 } } });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-001", line: 2, path: "services.app.user" }]);
  });

  it("DL-DOCTOR-017: reports a local image over the threshold for its kind, with its largest layers", async () => {
    const images = fakeImages({ "demo-app": bigImage("demo-app", 240_000_000, "1000") });
    const dockerfile = 'FROM node:20.18.1-slim\nUSER 1000\nCMD ["node"]\n';
    const findings = await runHarness({ dockerfile, images });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-017", got: "240000000 bytes" }]);
    expect(findings[0]?.message).toBe("image demo-app is 240 MB, over ~100 MB for a microservice; largest layers: 150 MB RUN apt-get install -y big-thing; 80.0 MB ADD file:abc in /");
    const monolith = await runHarness({ dockerfile, images, service: { build: { context: "/p/app" }, extensions: { "x-devloop": { doctor: { kind: "monolith" } } } } });
    expect(monolith).toEqual([]);
  });

  it("DL-DOCTOR-001: an image-only service whose local image has no user runs as root", async () => {
    const images = fakeImages({ "redis:7.2.5": bigImage("redis:7.2.5", 50_000_000, "") });
    expect(codesOf(await runHarness({ service: { image: "redis:7.2.5" }, images }))).toEqual(["DL-DOCTOR-001"]);
  });

  it("skips image checks with a note when the engine cannot be reached", async () => {
    const notes: string[] = [];
    const broken: ImageInspector = { inspect: () => Promise.reject(new Error("Docker engine not reachable")) };
    const project = makeProject({ a: { image: "redis:7.2.5", user: "1" }, b: { image: "redis:7.2.5", user: "1" } });
    const findings = await runDoctor(project, { fs: createMemoryDoctorFileSystem({}), images: broken, onNote: (note) => notes.push(note) });
    expect(findings).toEqual([]);
    expect(notes).toEqual(["image checks skipped: Docker engine not reachable"]);
  });

  it("groups findings per service in project order and tells whether any is an error", async () => {
    const project = makeProject({ a: { image: "redis:7.2.5", user: "1" }, b: { image: "redis", user: "1" } });
    const findings = await runDoctor(project, { fs: createMemoryDoctorFileSystem({}) });
    const groups = groupFindingsByService(findings, Object.keys(project.services));
    expect(Object.keys(groups)).toEqual(["a", "b"]);
    expect(groups["a"]).toEqual([]);
    expect(codesOf(groups["b"] ?? [])).toEqual(["DL-DOCTOR-002"]);
    expect(hasErrorFindings(findings)).toBe(false);
  });

  it("notes ignore entries that name no code", async () => {
    const notes: string[] = [];
    const project = makeProject({ a: { image: "redis:7.2.5", user: "1", extensions: { "x-devloop": { doctor: { ignore: ["DL-DOCTOR-001", "DL-DOCTR-2"] } } } } });
    await runDoctor(project, { fs: createMemoryDoctorFileSystem({}), onNote: (note) => notes.push(note) });
    expect(notes).toEqual(["services.a: x-devloop.doctor.ignore names an unknown code DL-DOCTR-2"]);
  });

  it("notes a missing Dockerfile and still runs the context checks", async () => {
    const notes: string[] = [];
    const project = makeProject({ a: { build: { context: "/p/a" } } });
    const findings = await runDoctor(project, { fs: createMemoryDoctorFileSystem({ "/p/a/main.go": "package main" }), onNote: (note) => notes.push(note) });
    expect(notes).toEqual(["services.a: Dockerfile Dockerfile not found in a; its checks were skipped"]);
    expect(codesOf(findings)).toEqual(["DL-DOCTOR-008"]);
  });

  it("checks dockerfile_inline, pointing into the compose file", async () => {
    const project = makeProject(
      { a: { build: { context: "/p/a", dockerfileInline: "FROM node:20.18.1-slim\nCMD node a.js\nUSER 1000\n" } } },
      { sourceMap: { "services.a.build": { file: "/p/compose.yml", line: 3, column: 5 } } },
    );
    const compose = "services:\n  a:\n    build:\n      context: a\n      dockerfile_inline: |\n        FROM node:20.18.1-slim\n        CMD node a.js\n        USER 1000\n";
    const files = { "/p/compose.yml": compose, "/p/a/.dockerignore": ".git\n" };
    const findings = await runDoctor(project, { fs: createMemoryDoctorFileSystem(files) });
    expect(findings.map((f) => [f.code, f.file, f.line])).toEqual([["DL-DOCTOR-013", "compose.yml", 7]]);
  });

  it("checks only the services asked for", async () => {
    const project = makeProject({ a: { image: "redis" }, b: { image: "redis" } });
    const findings = await runDoctor(project, { fs: createMemoryDoctorFileSystem({}), services: ["b"] });
    expect(new Set(findings.map((f) => f.service))).toEqual(new Set(["b"]));
  });
});

describe("runDoctor with a local base image", () => {
  const dockerfile = 'FROM distroless/static:1.0.0\nCOPY app /app\nCMD ["/app"]\n';
  it("inherits a non-root user from the base image", async () => {
    const images = fakeImages({ "distroless/static:1.0.0": bigImage("distroless/static:1.0.0", 2_000_000, "65532") });
    expect(await runHarness({ dockerfile, images })).toEqual([]);
    expect(images.asked).toEqual(["demo-app:devloop", "demo-app", "demo_app", "distroless/static:1.0.0"]);
  });

  it("says so when the base image runs as root too", async () => {
    const images = fakeImages({ "distroless/static:1.0.0": bigImage("distroless/static:1.0.0", 2_000_000, "") });
    const findings = await runHarness({ dockerfile, images });
    expect(findings.map((f) => f.message)).toEqual(["no USER in the final stage, and its base image distroless/static:1.0.0 sets none: the container runs as root"]);
  });
});
