import { describe, expect, it } from "vitest";
import { createBuildLineSplitter } from "./build-output.js";

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
});
