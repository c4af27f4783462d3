import { describe, expect, it } from "vitest";
import { createBuildLineSplitter, createBuildTranscript } from "./build-output.js";

describe("build output", () => {
  it("splits stream chunks into lines, strips colours, formats pull status", () => {
    const lines: string[] = [];
    const s = createBuildLineSplitter((l) => lines.push(l));
    s.push({ stream: "Step 1/2 : FROM x\n ---> abc\nSte" });
    s.push({ stream: "p 2/2 : RUN make\n\u001b[91moops\u001b[0m\n" });
    s.push({ status: "Downloading", id: "layer1", progress: "[=> ]" });
    s.push({ stream: "tail" });
    s.flush();
    expect(lines).toEqual(["Step 1/2 : FROM x", " ---> abc", "Step 2/2 : RUN make", "oops", "layer1 Downloading [=> ]", "tail"]);
  });

  it("names the failing step and shows its output, not earlier steps'", () => {
    const t = createBuildTranscript();
    for (const l of ["Step 1/3 : FROM x", "early output", " ---> abc", "Step 2/3 : RUN npm install", "npm ERR! 404 left-pad", "Removing intermediate container 123"]) t.line(l);
    expect(t.failure("web", "The command '/bin/sh -c npm install' returned a non-zero code: 1")).toBe(
      "build of web failed at step 2/3 (RUN npm install): the command exited with code 1\n  | npm ERR! 404 left-pad",
    );
  });

  it("works before any step (a bad Dockerfile)", () => {
    expect(createBuildTranscript().failure("web", "dockerfile parse error line 3: unknown instruction: RUNN")).toBe(
      "build of web failed: dockerfile parse error line 3: unknown instruction: RUNN",
    );
  });
});
