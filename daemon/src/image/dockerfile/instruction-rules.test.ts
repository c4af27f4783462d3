import { describe, expect, it } from "vitest";
import { argumentProblem, instructionRuleProblem } from "./instruction-rules.js";

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

// The arguments instructions/parse.go refuses (parseKvps, parseNameVal, parseSourcesAndDest, parseShell, parseHealthcheck…).
describe("argumentProblem, as BuildKit's instruction parsers", () => {
  it.each([
    ["ENV", "A=1 B=\"two words\""],
    ["ENV", "PATH /usr/bin:/bin"],
    ["LABEL", "a.b=c"],
    ["ARG", "A B=1"],
    ["COPY", "a b"],
    ["COPY", '["a b", "/c"]'],
    ["COPY", "<<EOF /x"],
    ["SHELL", '["/bin/bash", "-c"]'],
    ["HEALTHCHECK", "NONE"],
    ["HEALTHCHECK", "cmd curl -f http://x/"],
    ["USER", "app"],
    ["RUN", ""],
    ["CMD", ""],
  ])("%s %s: accepted", (keyword, args) => {
    expect(argumentProblem(keyword, args, "\\")).toBeUndefined();
  });

  it.each([
    // parseNameVal: the old form needs a value; the new form NAME=value pairs only; parseKvps: no blank name
    ["ENV", "FOO", "ENV FOO: expected NAME=value or NAME value, found a name and no value (BuildKit: ENV must have two arguments)"],
    ["ENV", "A=1 B", 'ENV: expected NAME=value pairs only, found "B" without = after A=…'],
    ["LABEL", "=x", 'LABEL: expected a name before =, found "=x" (BuildKit: LABEL names can not be blank)'],
    ["ENV", "", "ENV: expected at least one argument, found none (BuildKit: ENV requires at least one argument)"],
    // parseArg
    ["ARG", "=1", 'ARG: expected a name before =, found "=1" (BuildKit: ARG names can not be blank)'],
    ["ARG", "", "ARG: expected at least one argument, found none (BuildKit: ARG requires at least one argument)"],
    // errExactlyOneArgument, errAtLeastOneArgument
    ["WORKDIR", "", "WORKDIR: expected one argument, found none (BuildKit: WORKDIR requires exactly one argument)"],
    ["EXPOSE", "", "EXPOSE: expected at least one argument, found none (BuildKit: EXPOSE requires at least one argument)"],
    // parseSourcesAndDest: errNoDestinationArgument
    ["COPY", "app.js", "COPY: expected a source and a destination, found one argument (BuildKit: COPY requires at least two arguments)"],
    ["ADD", '["a"]', "ADD: expected a source and a destination, found one argument (BuildKit: ADD requires at least two arguments)"],
    // parseShell: errNotJSON, errAtLeastOneArgument
    ["SHELL", "/bin/bash -c", 'SHELL: expected a JSON array, found "/bin/bash -c" (BuildKit: SHELL requires the arguments to be in JSON form)'],
    ["SHELL", "[]", "SHELL: expected a shell in the array, found []"],
    // parseHealthcheck
    ["HEALTHCHECK", "CMDD true", 'HEALTHCHECK: expected CMD or NONE, found "CMDD" (BuildKit: unknown type in HEALTHCHECK)'],
    ["HEALTHCHECK", "NONE x", 'HEALTHCHECK NONE: expected nothing after NONE, found "x"'],
    ["HEALTHCHECK", "CMD", "HEALTHCHECK CMD: expected a command after CMD, found none"],
  ])("%s %s: refused", (keyword, args, message) => {
    expect(argumentProblem(keyword, args, "\\")?.message).toBe(message);
  });
});
