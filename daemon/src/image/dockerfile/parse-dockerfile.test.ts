import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./parse-dockerfile.js";

describe("parseDockerfile", () => {
  it("keeps 1-based lines and columns, upper-cases keywords and skips comments", () => {
    const { instructions } = parseDockerfile("# comment\nfrom node:20\n\n  run echo hi\n");
    expect(instructions.map((i) => [i.keyword, i.args, i.line, i.column])).toEqual([
      ["FROM", "node:20", 2, 1],
      ["RUN", "echo hi", 4, 3],
    ]);
  });

  it("joins continuation lines, skipping comment lines inside them", () => {
    const { instructions } = parseDockerfile("RUN apt-get update \\\n# why\n    && apt-get install -y curl\nUSER app");
    expect(instructions[0]).toMatchObject({ keyword: "RUN", line: 1, body: "apt-get update && apt-get install -y curl" });
    expect(instructions[1]).toMatchObject({ keyword: "USER", line: 4 });
  });

  it("honours the escape directive", () => {
    const { instructions, escape } = parseDockerfile("# escape=`\nRUN dir `\n  c:\\\nCMD x");
    expect(escape).toBe("`");
    expect(instructions[0]?.body).toBe("dir c:\\");
    expect(instructions[1]?.line).toBe(4);
  });

  it("splits leading flags and recognises exec form", () => {
    const [copy, cmd, shell] = parseDockerfile('COPY --from=build --chown=1000 /out /app\nCMD ["node", "server.js"]\nCMD node server.js').instructions;
    expect(copy?.flags).toEqual({ from: "build", chown: "1000" });
    expect(copy?.body).toBe("/out /app");
    expect(cmd?.json).toEqual(["node", "server.js"]);
    expect(shell?.json).toBeUndefined();
  });

  it("keeps repeated --mount flags", () => {
    const [run] = parseDockerfile("RUN --mount=type=cache,target=/a --mount=type=secret,id=t make").instructions;
    expect(run?.flags["mount"]).toBe("type=cache,target=/a type=secret,id=t");
  });

  it("reads heredoc bodies into the instruction and resumes after the terminator", () => {
    const { instructions } = parseDockerfile("RUN <<EOF\napt-get update\napt-get install -y gcc\nEOF\nUSER 1000\n");
    expect(instructions).toHaveLength(2);
    expect(instructions[0]?.heredocs).toEqual(["apt-get update\napt-get install -y gcc"]);
    expect(instructions[1]).toMatchObject({ keyword: "USER", line: 5 });
  });
});
