import { describe, expect, it } from "vitest";
import { instructionRuleProblem } from "./instruction-rules.js";

// What moby/buildkit's instructions.Parse / ParseInstruction (frontend/dockerfile/instructions/parse.go) refuses.
describe("instructionRuleProblem, as BuildKit's instructions.Parse", () => {
  it.each([
    ["FROM", "golang:1.22", false],
    ["FROM", "golang:1.22 AS build", true],
    ["FROM", "golang:1.22 as Go-Build_1.22", false],
    ["ARG", "V=1", true],
    ["ONBUILD", "RUN make", false],
    ["MAINTAINER", "me", false],
  ])("%s %s: accepted", (keyword, args, beforeFrom) => {
    expect(instructionRuleProblem(keyword, args, beforeFrom)).toBeUndefined();
  });

  it.each([
    // UnknownInstruction, with the nearest instruction when one is close
    ["COPPY", "a b", false, 'COPPY: BuildKit knows no such instruction: expected an instruction (FROM, RUN, COPY, ENV, CMD…), found "COPPY"', "did you mean COPY?"],
    ["WGET", "", false, expect.stringMatching(/^WGET: BuildKit knows no such instruction/) as unknown, expect.stringContaining("at the end of that line") as unknown],
    // Parse: a command before any stage, "no build stage in current context"
    ["RUN", "make", true, "RUN: expected FROM before it, only ARG may come before the first FROM (BuildKit: no build stage in current context)", "start the stage with FROM <image>"],
    // parseBuildStageName: "FROM requires either one or three arguments", "invalid name for build stage"
    ["FROM", "a b", false, "FROM: expected an image, or an image AS a name (one or three words), found 2 words", "FROM <image> [AS <name>]"],
    ["FROM", "", false, "FROM: expected an image, or an image AS a name (one or three words), found 0 words", "FROM <image> [AS <name>]"],
    ["FROM", "a AS b c", false, "FROM: expected an image, or an image AS a name (one or three words), found 4 words", "FROM <image> [AS <name>]"],
    ["FROM", "a AS 1st", false, 'FROM … AS 1st: expected a stage name that starts with a letter and holds letters, digits, -, _ and . only, found "1st"', expect.any(String) as unknown],
    ["FROM", "a AS my/stage", false, expect.stringMatching(/^FROM … AS my\/stage:/) as unknown, expect.any(String) as unknown],
    // parseOnBuild: chaining and FROM / MAINTAINER triggers
    ["ONBUILD", "ONBUILD RUN x", false, "ONBUILD ONBUILD: BuildKit refuses ONBUILD as an ONBUILD trigger", "one ONBUILD per trigger: ONBUILD RUN …"],
    ["ONBUILD", "maintainer me", false, "ONBUILD MAINTAINER: BuildKit refuses MAINTAINER as an ONBUILD trigger", expect.any(String) as unknown],
  ])("%s %s: refused", (keyword, args, beforeFrom, message, hint) => {
    expect(instructionRuleProblem(keyword, args, beforeFrom)).toMatchObject({ message, hint });
  });

  it.each([
    ["RUNN", "did you mean RUN?"],
    ["CPY", "did you mean COPY?"],
    ["WORKDIRR", "did you mean WORKDIR?"],
    ["EXPOZE", "did you mean EXPOSE?"],
    ["XY", expect.stringContaining("escape character") as unknown],
  ])("an unknown %s: the hint names the instruction one typo away, else the missing \\ before", (keyword, hint) => {
    expect(instructionRuleProblem(keyword, "x", false)?.hint).toEqual(hint);
  });
});
