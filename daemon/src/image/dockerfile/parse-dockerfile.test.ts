import { describe, expect, it } from "vitest";
import { directiveValue, hasHeredocs, nameValuePairs, parseDockerfile, parseHeredocWord } from "./parse-dockerfile.js";

describe("parseDockerfile", () => {
  it("keeps 1-based lines and columns, upper-cases keywords and skips comments", () => {
    const { instructions } = parseDockerfile("# comment\nfrom node:20\n\n  run echo hi\n");
    expect(instructions.map((i) => [i.keyword, i.body, i.line, i.column])).toEqual([
      ["FROM", "node:20", 2, 1],
      ["RUN", "echo hi", 4, 3],
    ]);
  });

  it("joins continuation lines as BuildKit does (as written), skipping comment and empty lines inside them", () => {
    const { instructions } = parseDockerfile("RUN apt-get update \\\n# why\n\n    && apt-get install -y curl\nUSER app");
    expect(instructions[0]).toMatchObject({ keyword: "RUN", line: 1, lastLine: 4, body: "apt-get update     && apt-get install -y curl" });
    expect(instructions[1]).toMatchObject({ keyword: "USER", line: 5 });
  });

  it("an escaped escape character at the end of a line is no continuation", () => {
    const { instructions } = parseDockerfile("RUN echo a\\\\\nUSER app\n");
    expect(instructions.map((i) => [i.keyword, i.body])).toEqual([
      ["RUN", "echo a\\\\"],
      ["USER", "app"],
    ]);
  });

  it("honours the escape directive", () => {
    const { instructions, escape } = parseDockerfile("# escape=`\nRUN dir `\n  c:\\\nCMD x");
    expect(escape).toBe("`");
    expect(instructions[0]?.body).toBe("dir   c:\\");
    expect(instructions[1]?.line).toBe(4);
  });

  it("reads parser directives only at the top, before any other line (BuildKit's rule)", () => {
    expect(directiveValue(parseDockerfile("# syntax = docker/dockerfile:1.4\nFROM x\n"), "syntax")).toBe("docker/dockerfile:1.4");
    expect(directiveValue(parseDockerfile("FROM x\n# syntax=docker/dockerfile:1\n"), "syntax")).toBeUndefined();
    expect(directiveValue(parseDockerfile("# a comment\n# syntax=docker/dockerfile:1\nFROM x\n"), "syntax")).toBeUndefined();
    expect(parseDockerfile("# unknown=1\n# escape=`\nFROM x\n").escape).toBe("\\");
  });

  it("ends lines at \\n only, dropping their trailing \\r (parser.go scanLines, trimNewline): CRLF reads as LF, a lone \\r ends no line", () => {
    expect(parseDockerfile("FROM a\r\nRUN x\r\n").instructions.map((i) => [i.keyword, i.body, i.line])).toEqual([
      ["FROM", "a", 1],
      ["RUN", "x", 2],
    ]);
    expect(parseDockerfile("FROM a\rRUN x\n").instructions.map((i) => [i.keyword, i.body])).toEqual([["FROM", "a\rRUN x"]]);
  });

  it("drops a UTF-8 byte-order mark, so a directive on the first line still counts", () => {
    expect(parseDockerfile("\uFEFF# escape=`\nFROM x\n").escape).toBe("`");
  });

  it("splits leading flags and recognises exec form", () => {
    const [copy, cmd, shell] = parseDockerfile('COPY --from=build --chown=1000 /out /app\nCMD ["node", "server.js"]\nCMD node server.js').instructions;
    expect(copy?.flags).toEqual({ from: "build", chown: "1000" });
    expect(copy?.rawFlags).toEqual(["--from=build", "--chown=1000"]);
    expect(copy?.body).toBe("/out /app");
    expect(cmd?.json).toEqual(["node", "server.js"]);
    expect(shell?.json).toBeUndefined();
  });

  it("keeps repeated --mount flags; quoted flag values are unquoted, kept raw in rawFlags", () => {
    const [run] = parseDockerfile('RUN --mount=type=cache,target=/a --mount=type=secret,id="t" make').instructions;
    expect(run?.flags["mount"]).toBe("type=cache,target=/a type=secret,id=t");
    expect(run?.rawFlags).toEqual(["--mount=type=cache,target=/a", '--mount=type=secret,id="t"']);
  });

  it("reads heredoc bodies into the instruction and resumes after the terminator", () => {
    const { instructions } = parseDockerfile("RUN <<EOF\napt-get update\napt-get install -y gcc\nEOF\nUSER 1000\n");
    expect(instructions).toHaveLength(2);
    expect(instructions[0]?.heredocs).toEqual([{ name: "EOF", expand: true, chomp: false, content: "apt-get update\napt-get install -y gcc\n" }]);
    expect(instructions[1]).toMatchObject({ keyword: "USER", line: 5 });
  });
});

describe("heredoc words, as BuildKit's parser reads them", () => {
  it.each([
    ["<<EOF", { name: "EOF", expand: true, chomp: false }],
    ["<<-EOF", { name: "EOF", expand: true, chomp: true }],
    ['<<"EOF"', { name: "EOF", expand: false, chomp: false }],
    ["<<'EOF'", { name: "EOF", expand: false, chomp: false }],
    ['<<-"END"', { name: "END", expand: false, chomp: true }],
    ["<< EOF", { name: "EOF", expand: true, chomp: false }],
    ["2<<EOF", { name: "EOF", expand: true, chomp: false }],
    ["<<", undefined],
    ["<<<EOF", undefined],
    ["a<<EOF", undefined],
    ['"<<EOF"', undefined],
  ])("%s", (word, expected) => {
    expect(parseHeredocWord(word)).toEqual(expected);
  });
});

describe("heredocs: bodies, continuations, what is no heredoc", () => {
  it("reads each body after the instruction's last line, up to its terminator; line numbers are the file's", () => {
    const parsed = parseDockerfile("FROM a\nRUN cat <<A <<B \\\n  > /x\nfirst\nA\nsecond\nB\nCMD x\n");
    const run = parsed.instructions[1];
    expect(run).toMatchObject({ keyword: "RUN", line: 2, lastLine: 7, body: "cat <<A <<B   > /x" });
    expect(run?.heredocs.map((h) => [h.name, h.content])).toEqual([
      ["A", "first\n"],
      ["B", "second\n"],
    ]);
    expect(parsed.instructions[2]).toMatchObject({ keyword: "CMD", line: 8 });
  });

  it.each([
    ["JSON form", 'FROM a\nRUN ["sh", "-c", "cat <<EOF"]\n'],
    ["quoted <<", "FROM a\nRUN echo '<<EOF' \"<<X\"\n"],
    ["here-string", "FROM a\nRUN cat <<<word\n"],
    ["not RUN/COPY/ADD", "FROM a\nLABEL x=<<EOF\n"],
  ])("%s: none", (_name, text) => {
    expect(hasHeredocs(parseDockerfile(text))).toBe(false);
  });

  it("ONBUILD RUN <<EOF has its body read too (BuildKit's compound rule), so the body is no instruction", () => {
    const { instructions } = parseDockerfile("FROM a\nONBUILD RUN <<EOF\nUSER root\nEOF\nUSER app\n");
    expect(instructions.map((i) => [i.keyword, i.line])).toEqual([
      ["FROM", 1],
      ["ONBUILD", 2],
      ["USER", 5],
    ]);
    expect(instructions[1]?.heredocs[0]?.content).toBe("USER root\n");
  });

  it("an unterminated heredoc is a located problem, with a hint", () => {
    expect(parseDockerfile("FROM a\n  COPY <<EOF /x\nhello\nEOF \n").problems).toEqual([
      expect.objectContaining({ line: 2, column: 3, message: expect.stringMatching(/^COPY <<EOF: unterminated heredoc, no line "EOF" after it/) as unknown, hint: expect.stringContaining("exactly EOF") as unknown }),
    ]);
  });

  it("<<- strips leading tabs from the terminator too", () => {
    expect(parseDockerfile("FROM a\nRUN <<-EOF\n\techo hi\n\t\tEOF\n").instructions[1]?.heredocs[0]?.content).toBe("\techo hi\n");
  });
});

describe("what BuildKit's parser refuses, located at the word (syntaxProblems)", () => {
  const problems = (text: string): { line: number; column: number; message: string }[] =>
    parseDockerfile(text).syntaxProblems.map(({ line, column, message }) => ({ line, column, message }));

  it("a flag BFlags.Parse refuses (instructions/bflag.go), on the line and column of the flag, continuation lines included", () => {
    expect(problems("FROM a\nCOPY --from build /out /app\nRUN --mount=type=cache,target=/c \\\n    --netwrk=none make\n")).toEqual([
      { line: 2, column: 6, message: 'COPY --from: expected a value, --from=<value>; found "--from" followed by "build"' },
      { line: 4, column: 5, message: expect.stringMatching(/^RUN --netwrk: BuildKit has no such flag on RUN/) as unknown },
    ]);
  });

  it("`--flag value` reads as BuildKit reads it: the value is the first argument, and the flag has none", () => {
    const copy = parseDockerfile("COPY --from build /out /app\n").instructions[0];
    expect(copy).toMatchObject({ flags: { from: "" }, rawFlags: ["--from"], body: "build /out /app" });
  });

  it("`--` ends the flags (split_command.go): the rest is the body, flags after it are none", () => {
    const parsed = parseDockerfile("FROM a\nCOPY --chown=1 -- --odd /dst\n");
    expect(parsed.instructions[1]).toMatchObject({ flags: { chown: "1" }, rawFlags: ["--chown=1"], body: "--odd /dst" });
    expect(parsed.syntaxProblems).toEqual([]);
  });

  it("an exec-form array of non-strings (line_parsers.go errDockerfileNotStringArray), and text after the array", () => {
    expect(problems('FROM a\nCMD ["sleep", 5]\nENTRYPOINT ["node", "a.js"] # start\nHEALTHCHECK --interval=5s CMD ["curl", 1]\n')).toEqual([
      { line: 2, column: 5, message: expect.stringMatching(/^CMD: an exec-form array must hold strings only/) as unknown },
      { line: 3, column: 29, message: 'ENTRYPOINT: text after the exec-form array: expected the line to end at "]", found "# start"' },
      { line: 4, column: 31, message: expect.stringMatching(/^HEALTHCHECK CMD: an exec-form array must hold strings only/) as unknown },
    ]);
  });

  it("exec form only where BuildKit tries JSON (RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD, VOLUME), and not with text after it (0.15+)", () => {
    const [label, volume, cmd] = parseDockerfile('LABEL ["a"]\nVOLUME ["/data"]\nCMD ["a"] b\n').instructions;
    expect(label?.json).toBeUndefined();
    expect(volume?.json).toEqual(["/data"]);
    expect(cmd?.json).toBeUndefined();
  });

  it("a repeated parser directive, or an escape other than ` and \\ (parser.go possibleParserDirective, setEscapeToken)", () => {
    expect(problems("# escape=`\n# escape=\\\nFROM a\n")).toEqual([{ line: 2, column: 1, message: expect.stringMatching(/^# escape= is given twice/) as unknown }]);
    expect(problems("# escape=x\nFROM a\n")).toEqual([{ line: 1, column: 1, message: '# escape=x: expected ` or \\ as the escape character, found "x" (BuildKit refuses the file)' }]);
    expect(parseDockerfile("# escape=x\nFROM a\n").escape).toBe("\\");
  });

  it("the keyword ends at an ASCII blank only (reWhitespace), not at a no-break space", () => {
    expect(parseDockerfile("RUN\u00a0echo hi\n").instructions[0]?.keyword).toBe("RUN\u00a0ECHO");
  });

  it("what instructions.Parse refuses (parse.go): an unknown instruction, one before FROM, FROM's words, an ONBUILD trigger", () => {
    expect(problems("ARG V=1\nRUN echo\nFROM a b\nFROM a AS 1st\nRUN apt-get install \\\n  curl\n  wget\nONBUILD FROM b\n")).toEqual([
      { line: 2, column: 1, message: expect.stringMatching(/^RUN: expected FROM before it/) as unknown },
      { line: 3, column: 6, message: "FROM: expected an image, or an image AS a name (one or three words), found 2 words" },
      { line: 4, column: 11, message: expect.stringMatching(/^FROM … AS 1st: expected a stage name that starts with a letter/) as unknown },
      { line: 7, column: 3, message: expect.stringMatching(/^WGET: BuildKit knows no such instruction/) as unknown },
      { line: 8, column: 9, message: "ONBUILD FROM: BuildKit refuses FROM as an ONBUILD trigger" },
    ]);
  });

  it("no stage: an empty Dockerfile (file with no instructions), ARGs and no FROM (no stages to build)", () => {
    expect(problems("# just a comment\n")).toEqual([{ line: 1, column: 1, message: expect.stringMatching(/^the Dockerfile has no instruction/) as unknown }]);
    expect(problems("ARG A=1\nARG B\n")).toEqual([{ line: 2, column: 1, message: "expected a FROM after the ARG on line 2, found none (BuildKit: dockerfile contains no stages to build)" }]);
  });

  it("the exec form's refusal comes before the instruction's own (the parser reads it first), and arguments are checked", () => {
    expect(problems('FROM a\nSHELL ["sh", 1]\nCOPY app.js\nENV A=1 B\n').map((p) => p.message)).toEqual([
      expect.stringMatching(/^SHELL: an exec-form array must hold strings only/) as unknown,
      "COPY: expected a source and a destination, found one argument (BuildKit: COPY requires at least two arguments)",
      'ENV: expected NAME=value pairs only, found "B" without = after A=…',
    ]);
  });

  it("a Dockerfile BuildKit reads without complaint has none", () => {
    expect(problems('# syntax=docker/dockerfile:1\nFROM --platform=$BUILDPLATFORM a AS b\nCOPY --link --chmod=644 ["a b", "/c"]\nRUN <<EOF\necho\nEOF\nCMD []\n')).toEqual([]);
  });
});

describe("nameValuePairs", () => {
  it("reads several ARG names with and without defaults, values as written", () => {
    expect(nameValuePairs({ keyword: "ARG", body: `A B=1 C="two words"` })).toEqual([{ name: "A" }, { name: "B", value: "1" }, { name: "C", value: '"two words"' }]);
  });

  it("reads ENV key=value pairs and the legacy form", () => {
    expect(nameValuePairs({ keyword: "ENV", body: 'A=1 B="two words" C=\'x\'' })).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: '"two words"' },
      { name: "C", value: "'x'" },
    ]);
    expect(nameValuePairs({ keyword: "ENV", body: "PATH /usr/bin:/bin" })).toEqual([{ name: "PATH", value: "/usr/bin:/bin" }]);
    // line_parsers.go parseNameVal: the legacy form splits at the first blank, whatever quotes or escapes say
    expect(nameValuePairs({ keyword: "ENV", body: "A\\ B value  with  blanks" })).toEqual([{ name: "A\\", value: "B value  with  blanks" }]);
  });
});
