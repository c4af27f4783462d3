import { describe, expect, it } from "vitest";
import { createBuildKitProgressReader } from "./buildkit-progress.js";

// Recorded from Debian's docker 20.10 (DOCKER_BUILDKIT=1 docker build --progress=plain).
const ok = `#1 [internal] load build definition from Dockerfile
#1 sha256:6c1ec7c4ab80c4a76e3f4f6e4e1d6b0f41c6de2ad0f4a8a43c5a1b1d2b3c4d5e
#1 transferring dockerfile: 37B done
#1 DONE 0.0s

#4 [stage-0 1/3] FROM docker.io/devloop/runtime:bookworm
#4 DONE 0.0s

#6 [stage-0 2/3] COPY . /ctx
#6 CACHED

#7 [stage-0 3/3] RUN npm ci
#7 0.335 added 3 packages
#7 0.336 found 0 vulnerabilities
#7 DONE 0.4s

#9 exporting to image
#9 writing image sha256:9af24dc510a248ae14179dc6198d52335eecb2002b7f28eb73e7875cceb98ca1 done
#9 DONE 0.1s`;

const failed = `#5 [2/2] RUN echo preparing && echo "no such tool" >&2 && exit 3
#5 0.301 preparing
#5 0.302 no such tool
#5 ERROR: executor failed running [/bin/sh -c echo preparing && echo "no such tool" >&2 && exit 3]: exit code: 3
------
 > [2/2] RUN echo preparing && echo "no such tool" >&2 && exit 3:
------
executor failed running [/bin/sh -c echo preparing && echo "no such tool" >&2 && exit 3]: exit code: 3`;

describe("createBuildKitProgressReader", () => {
  it("turns plain progress into step lines (n/m, cached) and output, without digests", () => {
    const reader = createBuildKitProgressReader();
    const shown = ok.split("\n").map((l) => reader.line(l)).filter((l) => l !== undefined);
    expect(shown).toEqual(["[1/3] FROM docker.io/devloop/runtime:bookworm", "[2/3] COPY . /ctx", "[2/3] COPY . /ctx CACHED", "[3/3] RUN npm ci", "  added 3 packages", "  found 0 vulnerabilities", "exporting to image"]);
    expect(reader.steps()).toEqual([
      { step: "1/3", name: "FROM docker.io/devloop/runtime:bookworm", state: "done" },
      { step: "2/3", name: "COPY . /ctx", state: "cached" },
      { step: "3/3", name: "RUN npm ci", state: "done", last: "found 0 vulnerabilities" },
    ]);
  });

  it("reports the running step with its last output line", () => {
    const reader = createBuildKitProgressReader();
    reader.line("#7 [stage-0 3/3] RUN npm ci");
    reader.line("#7 1.2 npm WARN deprecated x");
    expect(reader.current).toEqual({ step: "3/3", name: "RUN npm ci", state: "running", last: "npm WARN deprecated x" });
  });

  it("names the failing step, the exit code and the step's output", () => {
    const reader = createBuildKitProgressReader();
    for (const l of failed.split("\n")) reader.line(l);
    const message = reader.failure("broken", 1, []);
    expect(message).toMatch(/^build of broken failed at step 2\/2 \(RUN echo preparing.*\): the command exited with code 3\n/);
    expect(message).toContain("  | no such tool");
  });

  it("falls back to the CLI's error when no step failed (e.g. no BuildKit, a frontend error)", () => {
    const reader = createBuildKitProgressReader();
    reader.line("failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 3: unknown instruction: HELLO");
    expect(reader.failure("web", 1, [])).toBe("build of web failed: failed to solve with frontend dockerfile.v0: failed to create LLB definition: dockerfile parse error line 3: unknown instruction: HELLO");
  });
});
