import { describe, expect, it } from "vitest";
import { codesOf, runHarness } from "../testing/doctor-harness.js";

const dockerfile = 'FROM node:20.18.1-bookworm-slim\nWORKDIR /app\nCOPY . .\nUSER 1000\nCMD ["node", "a.js"]\n';

describe("context checks", () => {
  it("DL-DOCTOR-006: reports secret files not excluded, points at the file, and never reads their content", async () => {
    const findings = await runHarness({
      dockerfile,
      files: { "app/.env": "PASSWORD=x", "app/certs/server.pem": "k", "app/id_rsa.pub": "pub", "app/.env.example": "A=", "app/keys/id_rsa": "k" },
    });
    expect(findings.map((f) => [f.code, f.severity, f.file, f.line])).toEqual([
      ["DL-DOCTOR-006", "error", "app/.env", 0],
      ["DL-DOCTOR-006", "error", "app/certs/server.pem", 0],
      ["DL-DOCTOR-006", "error", "app/keys/id_rsa", 0],
    ]);
    expect(findings[0]?.message).toBe(".env looks like a secret file and is not excluded from the build context; COPY . puts it in the image");
  });

  it("DL-DOCTOR-006: respects .dockerignore, anchored at the context root", async () => {
    const files = { "app/.dockerignore": ".env\n*.pem\n", "app/.env": "x", "app/root.pem": "x", "app/sub/deep.pem": "x" };
    const findings = await runHarness({ dockerfile, files });
    expect(findings.map((f) => f.file)).toEqual(["app/sub/deep.pem"]);
  });

  it("DL-DOCTOR-006: a Dockerfile-specific ignore file wins over .dockerignore", async () => {
    const files = { "app/Dockerfile.dockerignore": "*.pem\n", "app/.dockerignore": "nothing\n", "app/k.pem": "x" };
    expect(await runHarness({ dockerfile, files })).toEqual([]);
  });

  it("DL-DOCTOR-007: reports a context over the threshold, in bytes, with its biggest parts", async () => {
    const files = { "app/node_modules/a.js": { size: 70_000_000 }, "app/data/b.bin": { size: 40_000_000 }, "app/src/index.js": "x" };
    const findings = await runHarness({ dockerfile, files, thresholds: { largeFileBytes: 1e9 }, sourceMap: { "services.app.build.context": { file: "/p/compose.yml", line: 5, column: 16 } } });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-007", file: "compose.yml", line: 5, got: "110000091 bytes" }]);
    expect(findings[0]?.message).toContain("node_modules/ 70.0 MB, data/ 40.0 MB");
  });

  it("DL-DOCTOR-007: files excluded by .dockerignore do not count", async () => {
    const files = { "app/.dockerignore": "node_modules\n", "app/node_modules/a.js": { size: 500_000_000 } };
    expect(await runHarness({ dockerfile, files })).toEqual([]);
  });

  it("DL-DOCTOR-008: reports a context without .dockerignore", async () => {
    expect(codesOf(await runHarness({ dockerfile, files: { "app/.dockerignore": null } }))).toEqual(["DL-DOCTOR-008"]);
  });

  it("DL-DOCTOR-015: reports a large data file and says when COPY . bakes it in", async () => {
    const findings = await runHarness({ dockerfile, files: { "app/data/train.parquet": { size: 60_000_000 } } });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-015", file: "app/data/train.parquet", message: "data/train.parquet (60.0 MB) is in the build context and COPY . puts it in the image" }]);
  });

  it("DL-DOCTOR-016: finds a UPX-packed ELF binary and ignores other binaries and text", async () => {
    const elf = new Uint8Array(8192);
    elf.set([0x7f, 0x45, 0x4c, 0x46], 0);
    const packed = elf.slice();
    packed.set([0x55, 0x50, 0x58, 0x21], 0xec);
    const text = new TextEncoder().encode(`UPX! is mentioned here ${"x".repeat(5000)}`);
    const findings = await runHarness({ dockerfile, files: { "app/bin/tool": packed, "app/bin/plain": elf, "app/notes.bin": text } });
    expect(findings).toMatchObject([{ code: "DL-DOCTOR-016", file: "app/bin/tool", message: "bin/tool is a UPX-packed executable" }]);
  });
});
