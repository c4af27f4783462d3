import { describe, expect, it } from "vitest";
import { parseDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { buildxBuildKitVersion, externalBaseImages, heredocMode, translateHeredocs, withoutSyntax } from "./dockerfile-heredocs.js";
import type { HeredocOptions, HeredocTranslation } from "./dockerfile-heredocs.js";

const options: HeredocOptions = { args: {}, buildPlatform: "linux/amd64" };

const translate = (text: string, extra: Partial<HeredocOptions> = {}): HeredocTranslation => {
  const result = translateHeredocs(parseDockerfile(text), { ...options, ...extra });
  if ("problems" in result) throw new Error(JSON.stringify(result.problems));
  return result;
};

const problems = (text: string, extra: Partial<HeredocOptions> = {}) => {
  const result = translateHeredocs(parseDockerfile(text), { ...options, ...extra });
  return "problems" in result ? result.problems : [];
};

/** The rewritten instructions (empty lines left out) and the heredoc files, the image named IMG. */
const rewrite = (text: string, extra: Partial<HeredocOptions> = {}): { lines: string[]; files: Record<string, string> } => {
  const t = translate(text, extra);
  return { lines: t.render("IMG").split("\n").filter((l) => l !== ""), files: Object.fromEntries(t.files.map((f) => [`${f.path} ${f.mode.toString(8)}`, f.content])) };
};

describe("what cannot be rewritten", () => {
  it("an unterminated heredoc (the parser's problem) is a located problem", () => {
    expect(problems("FROM a\n  COPY <<EOF /x\nhello\nEOF \n")).toEqual([
      expect.objectContaining({ line: 2, column: 3, message: expect.stringMatching(/^COPY <<EOF: unterminated heredoc, no line "EOF" after it/) as unknown }),
    ]);
  });

  it("ONBUILD with a heredoc is a located problem, not left for 20.10's parser to misread", () => {
    expect(problems("FROM a\nONBUILD RUN <<EOF\necho\nEOF\n")).toEqual([expect.objectContaining({ line: 2, column: 1, message: expect.stringContaining("not under ONBUILD") as unknown })]);
  });
});

describe("COPY/ADD heredocs become files of the heredoc image", () => {
  it("one heredoc to a path: COPY --from the image, flags kept, mode 0664, line numbers kept", () => {
    const t = translate("FROM alpine\nCOPY --chown=1000:1000 --chmod=0640 <<EOF /etc/app.conf\nport=80\nEOF\nCMD x\n");
    expect(t.render("IMG").split("\n")).toEqual(["FROM alpine", "COPY --chown=1000:1000 --chmod=0640 --from=IMG /h2-1/EOF /etc/app.conf", "", "", "CMD x", ""]);
    expect(t.files).toEqual([{ path: "h2-1/EOF", content: "port=80\n", mode: 0o664 }]);
    expect(t.rewritten).toBe(1);
  });

  it("several heredocs and a context file to a directory: the context file first, then the heredocs by their names", () => {
    expect(rewrite("FROM a\nCOPY --from=build app.txt <<A <<B /dir/\na\nA\nb\nB\n")).toEqual({
      lines: ["FROM a", "COPY --from=build app.txt /dir/", "COPY --from=IMG /h2-1/A /h2-2/B /dir/"],
      files: { "h2-1/A 664": "a\n", "h2-2/B 664": "b\n" },
    });
  });

  it("COPY << EOF (a blank after <<) is the same heredoc", () => {
    expect(rewrite("FROM a\nCOPY << EOF /x\nhi\nEOF\n").lines[1]).toBe("COPY --from=IMG /h2-1/EOF /x");
  });

  it("ADD: a COPY of the heredoc keeping --chown/--chmod", () => {
    expect(rewrite("FROM a\nADD --chmod=755 --checksum=sha256:x <<EOF /run.sh\necho\nEOF\n").lines[1]).toBe("COPY --chmod=755 --from=IMG /h2-1/EOF /run.sh");
  });

  it.each([
    ["ARG default and ENV", "ARG GREETING=hello\nENV WHO=world\nCOPY <<EOF /x\n$GREETING ${WHO}!\nEOF\n", {}, "hello world!\n"],
    ["a build arg overrides the default", "ARG GREETING=hello\nCOPY <<EOF /x\n$GREETING\nEOF\n", { GREETING: "hi" }, "hi\n"],
    ["a global ARG needs redeclaring in the stage", "", {}, "[$V]\n"],
    ["quotes are plain text, \\ escapes", "ENV A=1\nCOPY <<EOF /x\n'$A' \"$A\" \\$A \\\\\nEOF\n", {}, "'1' \"1\" $A \\\n"],
    ["unset variables stay as written", "COPY <<EOF /x\n#!/bin/sh\necho $1 ${HOME}\nEOF\n", {}, "#!/bin/sh\necho $1 ${HOME}\n"],
    ["modifiers", "ARG E=\nENV A=abc.tar.gz\nCOPY <<EOF /x\n${E:-dflt} ${A:+set} ${A%.gz} ${A%%.*} ${A#*.} ${A/tar/zip}\nEOF\n", {}, "dflt set abc.tar abc tar.gz abc.zip.gz\n"],
    ["quoted delimiter: no expansion", "ENV A=1\nCOPY <<'EOF' /x\n$A ${A} \\$A\nEOF\n", {}, "$A ${A} \\$A\n"],
    ["<<- strips tabs before expansion", "ENV A=1\nCOPY <<-EOF /x\n\t\t$A\n\tEOF\n", {}, "1\n"],
    ["ENV of the parent stage; TARGETARCH declared", "ENV A=parent\nFROM base AS child\nARG TARGETARCH\nCOPY <<EOF /x\n$A $TARGETARCH\nEOF\n", {}, "parent amd64\n"],
  ])("expansion: %s", (_name, body, args, content) => {
    const text = _name.startsWith("a global") ? "ARG V=1\nFROM alpine\nCOPY <<EOF /x\n[$V]\nEOF\n" : `FROM alpine AS base\n${body}`;
    const t = translate(text, { args });
    expect(t.files.at(-1)?.content).toBe(content);
  });

  it("the base image's ENV, when known, expands too; unknown, the image is named", () => {
    const text = "FROM node:20\nCOPY <<EOF /x\n$NODE_VERSION\nEOF\n";
    expect(translate(text, { baseEnv: { "node:20": { NODE_VERSION: "20.1.0" } } }).files[0]?.content).toBe("20.1.0\n");
    const unknown = translate(text);
    expect(unknown.files[0]?.content).toBe("$NODE_VERSION\n");
    expect(unknown.unknownBaseEnv).toEqual(["node:20"]);
    expect(externalBaseImages(parseDockerfile("ARG T=20\nFROM node:${T} AS a\nFROM a\nFROM scratch\n"), options)).toEqual(["node:20"]);
  });

  it.each([
    ["a heredoc as destination", "FROM a\nCOPY x <<EOF\nhi\nEOF\n", 2, /a heredoc is a source, never the destination/],
    ["a bad substitution", "FROM a\nCOPY <<EOF /x\n${}\nEOF\n", 2, /COPY <<EOF: syntax error: bad substitution/],
    ["an empty ${VAR:?}", "FROM a\nARG NEEDED\nCOPY <<EOF /x\n${NEEDED:?set it}\nEOF\n", 3, /NEEDED: set it/],
  ])("%s is a located problem", (_name, text, line, message) => {
    expect(problems(text, { args: { NEEDED: "" } })).toEqual([expect.objectContaining({ line, column: 1, message: expect.stringMatching(message) as unknown })]);
  });
});

describe("RUN heredocs run as BuildKit runs them", () => {
  it("RUN <<EOF: the stage's shell gets the body as its command (the shell expands, quoted or not)", () => {
    expect(rewrite("FROM a\nRUN --mount=type=cache,target=/c <<'EOF'\necho \"$HOME\"\nset -e\nEOF\n").lines[1]).toBe('RUN --mount=type=cache,target=/c ["/bin/sh","-c","echo \\"$HOME\\"\\nset -e\\n"]');
  });

  it("SHELL is followed, and inherited by a stage built FROM the stage", () => {
    expect(rewrite('FROM a AS one\nSHELL ["/bin/bash", "-eo", "pipefail", "-c"]\nFROM one\nRUN <<EOF\nls | wc -l\nEOF\n').lines[3]).toBe('RUN ["/bin/bash","-eo","pipefail","-c","ls | wc -l\\n"]');
  });

  it("<<- strips the tabs of the body", () => {
    expect(rewrite("FROM a\nRUN <<-EOF\n\tif true; then\n\t\techo y\n\tfi\n\tEOF\n").lines[1]).toBe('RUN ["/bin/sh","-c","if true; then\\necho y\\nfi\\n"]');
  });

  it("a #! body is a 0755 file mounted at /dev/pipes and run", () => {
    expect(rewrite("FROM a\nRUN <<EOF\n#!/usr/bin/env python3\nprint(1)\nEOF\n")).toEqual({
      lines: ["FROM a", "RUN --mount=type=bind,from=IMG,source=/h2-1,target=/dev/pipes /dev/pipes/EOF"],
      files: { "h2-1/EOF 755": "#!/usr/bin/env python3\nprint(1)\n" },
    });
  });

  it("RUN cmd <<EOF: the shell gets the command, the bodies and terminators, and does the heredocs itself", () => {
    expect(rewrite("FROM a\nRUN python3 - <<'PY' && cat <<-EOF > /x\nprint(1)\nPY\n\thi $HOME\n\tEOF\n").lines[1]).toBe(
      `RUN ${JSON.stringify(["/bin/sh", "-c", "python3 - <<'PY' && cat <<-EOF > /x\nprint(1)\nPY\n\thi $HOME\nEOF"])}`,
    );
  });

  it("a script longer than 64 KiB (one line for 20.10's parser) is a located problem", () => {
    expect(problems(`FROM a\nRUN <<EOF\n${"echo 0123456789\n".repeat(5000)}EOF\n`)[0]?.message).toMatch(/at most 64 KiB/);
  });
});

describe("the rest of the Dockerfile", () => {
  it("is kept as written; # syntax= can be left out, other directives stay first", () => {
    const text = "# syntax=docker/dockerfile:1.4\n# escape=`\nFROM a\nRUN <<EOF\nx\nEOF\n";
    expect(translate(text).render("IMG").split("\n").slice(0, 3)).toEqual(["# syntax=docker/dockerfile:1.4", "# escape=`", "FROM a"]);
    expect(translate(text, { dropSyntax: true }).render("IMG").split("\n").slice(0, 3)).toEqual(["# escape=`", "", "FROM a"]);
  });
});

describe("which frontend builds the heredocs", () => {
  it.each([
    ["the bed: Docker 20.10, no # syntax=", { engineVersion: "20.10.24+dfsg1" }, "rewrite"],
    ["Docker 23+", { engineVersion: "24.0.7" }, "as-written"],
    ["a # syntax= image the engine has or can pull", { syntax: "docker/dockerfile:1.4", syntaxAvailable: true, engineVersion: "20.10.24" }, "as-written"],
    ["a # syntax= image it cannot get, on 20.10", { syntax: "docker/dockerfile:1.4", syntaxAvailable: false, engineVersion: "20.10.24" }, "rewrite"],
    ["a # syntax= image it cannot get, on Docker 23+", { syntax: "docker/dockerfile:1", syntaxAvailable: false, engineVersion: "25.0.0" }, "drop-syntax"],
    ["a buildx builder with BuildKit 0.12 on an old engine", { builderBuildKit: "v0.12.5", engineVersion: "20.10.24" }, "as-written"],
    ["a buildx builder with BuildKit 0.8", { builderBuildKit: "v0.8.2", engineVersion: "24.0.0" }, "rewrite"],
    ["a builder version that is no BuildKit version: the engine decides", { builderBuildKit: "20.10.24", engineVersion: "20.10.24" }, "rewrite"],
    ["engine unknown", {}, "rewrite"],
  ] as const)("%s: %s", (_name, frontend, mode) => {
    expect(heredocMode(frontend)).toBe(mode);
  });

  it("reads a buildx builder's BuildKit version from docker buildx inspect", () => {
    expect(buildxBuildKitVersion("Name:   default\nDriver: docker-container\n\nNodes:\nName:      x0\nStatus:    running\nBuildKit version: v0.13.2\nPlatforms: linux/amd64\n")).toBe("v0.13.2");
    expect(buildxBuildKitVersion("Nodes:\nName: default\nBuildkit: v0.11.7\n")).toBe("v0.11.7");
    expect(buildxBuildKitVersion("Name: default\n")).toBeUndefined();
  });

  it("withoutSyntax leaves out only the # syntax= line", () => {
    expect(withoutSyntax(parseDockerfile("# syntax=docker/dockerfile:1\nFROM a\nRUN <<EOF\nx\nEOF\n"))).toBe("\nFROM a\nRUN <<EOF\nx\nEOF\n");
  });
});
