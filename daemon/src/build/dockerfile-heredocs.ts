/**
 * Dockerfile heredocs (`RUN <<EOF`, `COPY <<EOF /dest`, `ADD <<EOF /dest`) for a Dockerfile frontend that has none
 * (Docker 20.10's built-in one, devloop's builder on the bed; heredocs came with dockerfile 1.4): the Dockerfile is
 * rewritten before the build into one that frontend builds the same way BuildKit 1.4+ builds the original.
 *
 * - The heredocs are the shared parser's (image/dockerfile/parse-dockerfile.ts, as BuildKit's parser finds them), the
 *   stages and their global ARGs the shared resolver's (image/dockerfile/stages.ts); expansion is the one lexer's
 *   (image/dockerfile/shell-lex.ts). This file is the rewrite only.
 * - `COPY <<A <<B /dir/` (and ADD): each heredoc becomes a file `h<line>-<n>/<NAME>` (mode 0664, as BuildKit writes
 *   it) of a generated image (the heredoc image), and the instruction becomes `COPY --from=<that image> /h…/A /h…/B /dir/` with
 *   the other flags (--chown, --chmod) kept; other sources of the same instruction stay in a COPY/ADD of their own,
 *   first, as BuildKit copies them first. Unquoted: the content is expanded as BuildKit does it (the stage's ARG and
 *   ENV, the base image's ENV when the caller knows it; quotes literal, `\` escapes, an unset variable kept as written).
 * - `RUN <<EOF` (the whole command one heredoc): `RUN ["<shell>", …, "<body>"]`, the argv BuildKit runs (the stage's
 *   SHELL, default /bin/sh -c); with a `#!` first line the body is a file (mode 0755) of the heredoc image mounted at
 *   /dev/pipes and run as `/dev/pipes/<NAME>`, as BuildKit does. `RUN cmd <<EOF …`: the shell gets the command with
 *   the heredoc bodies and terminators after it, as BuildKit passes it, and expands (or not) itself.
 * - Line numbers are kept: a rewritten instruction sits on its first line and the body lines become empty lines.
 * Errors (an unterminated heredoc, a heredoc as COPY's destination, a bad `${…}`, ONBUILD with a heredoc) are located:
 * line and column. Pure.
 */
import type { DockerfileInstruction, DockerfileProblem, ParsedDockerfile } from "../image/dockerfile/parse-dockerfile.js";
import { heredocBody, nameValuePairs, parseHeredocWord } from "../image/dockerfile/parse-dockerfile.js";
import { resolveStages } from "../image/dockerfile/stages.js";
import { LexError, expandHeredoc, expandWord } from "../image/dockerfile/shell-lex.js";

/** A file of the generated heredoc context. */
export interface HeredocFile {
  /** Relative path in the context ("h12-1/EOF"). */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

/** BuildKit's parser reads lines of at most 64 KiB; a RUN body goes on one line. */
const MAX_LINE = 65_000;

/** What is known about the frontend that will build the Dockerfile. */
export interface HeredocFrontend {
  /** The `# syntax=` image, if the Dockerfile names one. */
  readonly syntax?: string;
  /** That image is in the engine or could be pulled. */
  readonly syntaxAvailable?: boolean;
  /** The BuildKit version of a buildx builder ("v0.12.5"), when the CLI is buildx and said it. */
  readonly builderBuildKit?: string;
  /** The Docker engine's version ("20.10.24+dfsg1"). */
  readonly engineVersion?: string;
}

/**
 * How to send a Dockerfile that has heredocs: as written (its `# syntax=` frontend is there, or the builder's own
 * frontend has heredocs: BuildKit 0.10+, Docker 23+), as written without a `# syntax=` line whose image cannot be had
 * (the builder has heredocs itself), or rewritten (translateHeredocs; the `# syntax=` line left out too).
 */
export const heredocMode = (frontend: HeredocFrontend): "as-written" | "drop-syntax" | "rewrite" => {
  if (frontend.syntax !== undefined && frontend.syntaxAvailable === true) return "as-written";
  const buildkit = /^v?0\.(\d+)\./.exec(frontend.builderBuildKit ?? "");
  const native = buildkit !== null ? Number(buildkit[1]) >= 10 : Number.parseInt(frontend.engineVersion ?? "", 10) >= 23;
  if (native) return frontend.syntax === undefined ? "as-written" : "drop-syntax";
  return "rewrite";
};

/** The BuildKit version `docker buildx inspect` reports for the builder's node ("Buildkit: v0.12.5"). */
export const buildxBuildKitVersion = (inspect: string): string | undefined => /^\s*BuildKit(?: version)?:\s*(\S+)/im.exec(inspect)?.[1];

/** The Dockerfile without its `# syntax=` directive (the line kept, empty; other directives first). */
export const withoutSyntax = (parsed: Pick<ParsedDockerfile, "lines" | "directives">): string => {
  const out = [...parsed.lines];
  const kept = parsed.directives.filter((d) => d.name !== "syntax").map((d) => parsed.lines[d.index] ?? "");
  parsed.directives.forEach((d, i) => {
    out[d.index] = kept[i] ?? "";
  });
  return `${out.join("\n")}\n`;
};

export interface HeredocOptions {
  /** Build args (compose build.args): they override ARG defaults, as --build-arg does. */
  readonly args: Readonly<Record<string, string>>;
  /** ENV of an external base image (FROM name as written after ARG expansion), when known. */
  readonly baseEnv?: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** The target platform ("linux/amd64"), for TARGETPLATFORM/TARGETOS/TARGETARCH; default `buildPlatform`. */
  readonly platform?: string;
  /** The builder's platform ("linux/amd64"). */
  readonly buildPlatform: string;
  /** Leave out the `# syntax=` directive (its frontend image cannot be had; the engine's own frontend builds). */
  readonly dropSyntax?: boolean;
}

export interface HeredocTranslation {
  /** The rewritten Dockerfile, given the reference of the image that holds `files` at its root. */
  readonly render: (image: string) => string;
  readonly files: readonly HeredocFile[];
  /** How many instructions were rewritten. */
  readonly rewritten: number;
  /** FROM images whose ENV a COPY heredoc's expansion could not know (not in baseEnv). */
  readonly unknownBaseEnv: readonly string[];
}

interface Stage {
  readonly env: Record<string, string>;
  shell: readonly string[];
  readonly base: string;
  readonly baseKnown: boolean;
}

const stageOptions = (options: Pick<HeredocOptions, "args" | "platform" | "buildPlatform">) => ({
  buildArgs: options.args,
  buildPlatform: options.buildPlatform,
  ...(options.platform === undefined ? {} : { platform: options.platform }),
});

/** FROM images of stages not built from an earlier stage, after global ARG expansion (the images whose ENV expansion may need). */
export const externalBaseImages = (parsed: ParsedDockerfile, options: Pick<HeredocOptions, "args" | "platform" | "buildPlatform">): string[] => {
  const out: string[] = [];
  for (const stage of resolveStages(parsed, stageOptions(options)).stages) {
    const image = stage.base.image;
    if (stage.parent === undefined && image !== "scratch" && !out.includes(image)) out.push(image);
  }
  return out;
};

/** Walks the stages keeping each one's ENV/ARG values and SHELL; calls `at` for each instruction in a stage. */
const walkStages = (parsed: ParsedDockerfile, options: HeredocOptions, at: (instruction: DockerfileInstruction, stage: Stage) => void): void => {
  const graph = resolveStages(parsed, stageOptions(options));
  const expand = (word: string, env: Record<string, string>): string => {
    try {
      return expandWord(word, env, parsed.escape);
    } catch {
      return word;
    }
  };
  const stages: Stage[] = [];
  for (const resolved of graph.stages) {
    const image = resolved.base.image;
    const parent = resolved.parent === undefined ? undefined : stages[resolved.parent];
    const baseEnv = parent === undefined ? options.baseEnv?.[image] : undefined;
    const stage: Stage = {
      env: parent !== undefined ? { ...parent.env } : { ...(baseEnv ?? {}) },
      shell: parent?.shell ?? ["/bin/sh", "-c"],
      base: image,
      baseKnown: parent !== undefined || baseEnv !== undefined || image === "scratch",
    };
    stages.push(stage);
    for (const instruction of resolved.instructions) {
      if (instruction.keyword === "ARG") {
        for (const { name, value } of nameValuePairs(instruction, parsed.escape)) {
          const v = options.args[name] ?? (value === undefined ? graph.globals[name] : expand(value, stage.env));
          if (v !== undefined) stage.env[name] = v;
        }
      } else if (instruction.keyword === "ENV") {
        const values = nameValuePairs(instruction, parsed.escape).map(({ name, value }) => [name, expand(value ?? "", stage.env)] as const);
        for (const [name, value] of values) stage.env[name] = value;
      } else if (instruction.keyword === "SHELL") {
        // Not JSON: the frontend refuses it; nothing to track.
        if (instruction.json !== undefined) stage.shell = instruction.json;
      }
      at(instruction, stage);
    }
  }
};

const withoutSyntaxIf = (drop: boolean, parsed: Pick<ParsedDockerfile, "lines" | "directives">): string => (drop ? withoutSyntax(parsed) : `${parsed.lines.join("\n")}\n`);

const problemAt = (instruction: DockerfileInstruction, message: string, hint?: string): DockerfileProblem => ({ line: instruction.line, column: instruction.column, message, ...(hint === undefined ? {} : { hint }) });

const IMAGE = "\u0000devloop-heredoc-image\u0000";

/**
 * Rewrites the heredocs of a Dockerfile for a frontend without them. `problems` instead when one cannot be built
 * (located at the instruction).
 */
export const translateHeredocs = (parsed: ParsedDockerfile, options: HeredocOptions): HeredocTranslation | { readonly problems: readonly DockerfileProblem[] } => {
  const problems: DockerfileProblem[] = [...parsed.problems];
  const out = [...parsed.lines];
  const files: HeredocFile[] = [];
  const unknownBaseEnv: string[] = [];
  let rewritten = 0;
  const place = (instruction: DockerfileInstruction, replacement: readonly string[]): void => {
    for (let i = instruction.line - 1; i < instruction.lastLine; i++) out[i] = "";
    replacement.forEach((text, i) => {
      out[instruction.line - 1 + i] = text;
    });
    rewritten++;
  };
  walkStages(
    parsed,
    options,
    (instruction, stage) => {
      if (instruction.heredocs.length === 0) return;
      if (instruction.keyword === "ONBUILD") {
        problems.push(problemAt(instruction, `ONBUILD with a heredoc (<<${instruction.heredocs[0]?.name ?? ""}): devloop rewrites heredocs for Docker 20.10's frontend, but not under ONBUILD`, "build with Docker 23+ (or a # syntax= frontend image), or move the heredoc out of ONBUILD"));
        return;
      }
      if (instruction.keyword === "RUN") {
        const lineText = runHeredoc(instruction, stage, files);
        if (lineText.length > MAX_LINE) {
          problems.push(problemAt(instruction, `RUN <<${instruction.heredocs[0]?.name ?? ""}: the script is ${lineText.length} bytes; Docker 20.10's frontend reads lines of at most 64 KiB`, "put the script in a file of the build context and RUN it"));
          return;
        }
        place(instruction, [lineText]);
        return;
      }
      const result = copyHeredoc(instruction, stage, files, unknownBaseEnv);
      if ("problem" in result) problems.push(result.problem);
      else place(instruction, result.lines);
    },
  );
  if (problems.length > 0) return { problems };
  const text = withoutSyntaxIf(options.dropSyntax === true, { directives: parsed.directives, lines: out });
  return { render: (image) => text.split(IMAGE).join(image), files, rewritten, unknownBaseEnv };
};

const runHeredoc = (instruction: DockerfileInstruction, stage: Stage, files: HeredocFile[]): string => {
  const flags = instruction.rawFlags.length > 0 ? `${instruction.rawFlags.join(" ")} ` : "";
  const whole = parseHeredocWord(instruction.body.trim());
  const first = instruction.heredocs[0];
  if (whole !== undefined && first !== undefined && instruction.heredocs.length === 1) {
    const body = heredocBody(first);
    if (body.startsWith("#!")) {
      const dir = `h${instruction.line}-1`;
      files.push({ path: `${dir}/${first.name}`, content: body, mode: 0o755 });
      return `RUN ${flags}--mount=type=bind,from=${IMAGE},source=/${dir},target=/dev/pipes /dev/pipes/${first.name}`;
    }
    return `RUN ${flags}${JSON.stringify([...stage.shell, body])}`;
  }
  const full = instruction.heredocs.reduce((text, h) => `${text}\n${h.content}${h.name}`, instruction.body);
  return `RUN ${flags}${JSON.stringify([...stage.shell, full])}`;
};

const copyHeredoc = (instruction: DockerfileInstruction, stage: Stage, files: HeredocFile[], unknownBaseEnv: string[]): { lines: string[] } | { problem: DockerfileProblem } => {
  // `<< EOF` is one heredoc word, as the line's heredocs were found.
  const fields = instruction.body.trim().replace(/(^|\s)(\d*<<-?)[ \t]+(?=[^\s<])/g, "$1$2").split(/\s+/);
  const dest = fields.pop() ?? "";
  const what = `${instruction.keyword} <<${instruction.heredocs[0]?.name ?? ""}`;
  if (fields.length === 0 || parseHeredocWord(dest) !== undefined) {
    return { problem: problemAt(instruction, `${what}: a heredoc is a source, never the destination (${instruction.keyword} <<EOF /path/file)`) };
  }
  const byName = new Map(instruction.heredocs.map((h) => [h.name, h]));
  const regular: string[] = [];
  const sources: string[] = [];
  let n = 0;
  for (const field of fields) {
    const word = parseHeredocWord(field);
    const heredoc = word === undefined ? undefined : byName.get(word.name);
    if (word === undefined || heredoc === undefined) {
      regular.push(field);
      continue;
    }
    if (!/^[^/\s]+$/.test(heredoc.name) || heredoc.name === "." || heredoc.name === "..") {
      return { problem: problemAt(instruction, `${what}: "${heredoc.name}" is the file's name and cannot be a path`) };
    }
    n++;
    let content = heredocBody({ ...heredoc, chomp: word.chomp });
    if (word.expand) {
      if (!stage.baseKnown && !unknownBaseEnv.includes(stage.base)) unknownBaseEnv.push(stage.base);
      try {
        content = expandHeredoc(content, stage.env);
      } catch (error) {
        const message = error instanceof LexError ? error.message : String(error);
        return { problem: problemAt(instruction, `${what}: ${message}`, `quote the delimiter (<<"${heredoc.name}") to copy the text as written, without expanding $`) };
      }
    }
    const dir = `h${instruction.line}-${n}`;
    files.push({ path: `${dir}/${heredoc.name}`, content, mode: 0o664 });
    sources.push(`/${dir}/${heredoc.name}`);
  }
  const kept = instruction.rawFlags.filter((f) => !/^--from=/.test(f));
  const copyFlags = instruction.keyword === "ADD" ? kept.filter((f) => /^--(chown|chmod)=/.test(f)) : kept;
  const lines: string[] = [];
  if (regular.length > 0) lines.push([instruction.keyword, ...instruction.rawFlags, ...regular, dest].join(" "));
  lines.push(["COPY", ...copyFlags, `--from=${IMAGE}`, ...sources, dest].join(" "));
  return { lines };
};
