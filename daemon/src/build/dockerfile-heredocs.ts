/**
 * Dockerfile heredocs (`RUN <<EOF`, `COPY <<EOF /dest`, `ADD <<EOF /dest`) for a Dockerfile frontend that has none
 * (Docker 20.10's built-in one, devloop's builder on the bed; heredocs came with dockerfile 1.4): the Dockerfile is
 * rewritten before the build into one that frontend builds the same way BuildKit 1.4+ builds the original.
 *
 * - Heredocs are found as BuildKit's parser finds them: in the words of a RUN/COPY/ADD line (shell form, not JSON),
 *   `<<NAME`, `<<-NAME` (leading tabs stripped from the body and terminator), `<<"NAME"` / `<<'NAME'` (quoted: no
 *   expansion), `<< NAME`; the bodies follow the instruction's last line, in order, each up to its terminator line.
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
 * Errors (an unterminated heredoc, a heredoc as COPY's destination, a bad `${…}`) are located: line and column. Pure.
 */
import { LexError, expandHeredoc, expandWord, plainWords, rawWords } from "./dockerfile-lex.js";

export interface Heredoc {
  readonly name: string;
  /** Unquoted delimiter: COPY/ADD expand the content. */
  readonly expand: boolean;
  /** `<<-`: leading tabs stripped from each line. */
  readonly chomp: boolean;
  /** The body as written, each line with its "\n". */
  readonly content: string;
}

/** One logical instruction: continuation lines joined, its heredoc bodies read. */
export interface LogicalInstruction {
  readonly keyword: string;
  /** Leading --flags as written. */
  readonly flags: readonly string[];
  /** After the keyword and flags, continuation lines joined. */
  readonly rest: string;
  readonly line: number;
  readonly column: number;
  /** The last line of the instruction, heredoc terminators included. */
  readonly lastLine: number;
  readonly heredocs: readonly Heredoc[];
}

export interface HeredocProblem {
  readonly line: number;
  readonly column: number;
  readonly message: string;
  readonly hint?: string;
}

export interface ScannedDockerfile {
  readonly lines: readonly string[];
  /** Parser directive lines (`# syntax=…`, `# escape=…`) at the top: 0-based indexes. */
  readonly directives: readonly { readonly index: number; readonly name: string; readonly value: string }[];
  readonly instructions: readonly LogicalInstruction[];
  readonly problems: readonly HeredocProblem[];
}

/** A file of the generated heredoc context. */
export interface HeredocFile {
  /** Relative path in the context ("h12-1/EOF"). */
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

const HEREDOC_WORD = /^(\d*)<<(-?)\s*([^<]*)$/;
const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_KEYWORDS = new Set(["RUN", "COPY", "ADD"]);
/** BuildKit's parser reads lines of at most 64 KiB; a RUN body goes on one line. */
const MAX_LINE = 65_000;

/** A heredoc word (`<<EOF`, `<<-"EOF"`, `2<<EOF`) as BuildKit reads it; undefined when the word is none. */
export const parseHeredocWord = (word: string): Omit<Heredoc, "content"> | undefined => {
  const match = HEREDOC_WORD.exec(word);
  const rest = match?.[3] ?? "";
  if (match === null || rest === "") return undefined;
  let words: string[];
  let raw: string[];
  try {
    words = plainWords(rest);
    raw = plainWords(rest, true);
  } catch {
    return undefined;
  }
  const name = words[0];
  if (words.length !== 1 || raw.length !== 1 || name === undefined) return undefined;
  const quotes = (s: string): number => (s.match(/['"]/g) ?? []).length;
  return { name, expand: quotes(name) === quotes(raw[0] ?? ""), chomp: match[2] === "-" };
};

const splitFlags = (args: string): { flags: string[]; rest: string } => {
  const flags: string[] = [];
  let rest = args;
  for (;;) {
    const match = /^(--[A-Za-z][A-Za-z0-9-]*(?:=(?:"[^"]*"|'[^']*'|[^\s"'])*)?)(?:\s+|$)/.exec(rest);
    if (!match) break;
    flags.push(match[1] ?? "");
    rest = rest.slice(match[0].length);
  }
  return { flags, rest };
};

const isJsonArray = (text: string): boolean => {
  const trimmed = text.trim();
  if (!trimmed.startsWith("[")) return false;
  try {
    const value: unknown = JSON.parse(trimmed);
    return Array.isArray(value) && value.every((v) => typeof v === "string");
  } catch {
    return false;
  }
};

/** The Dockerfile's logical instructions, with heredoc bodies read as BuildKit's parser (1.4+) reads them. */
export const scanDockerfile = (text: string): ScannedDockerfile => {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  if (lines.length > 0 && lines[lines.length - 1] === "") lines.pop();
  const directives: { index: number; name: string; value: string }[] = [];
  let escape = "\\";
  let index = 0;
  for (; index < lines.length; index++) {
    const match = DIRECTIVE.exec((lines[index] ?? "").trim());
    if (!match) break;
    const name = (match[1] ?? "").toLowerCase();
    if (name === "escape" && (match[2] === "`" || match[2] === "\\")) escape = match[2];
    directives.push({ index, name, value: match[2] ?? "" });
  }
  const e = escape === "\\" ? "\\\\" : "`";
  const continuation = new RegExp(`([^${e}])${e}[ \\t]*$|^${e}[ \\t]*$`);
  const isComment = (line: string): boolean => line.trimStart().startsWith("#");
  const instructions: LogicalInstruction[] = [];
  const problems: HeredocProblem[] = [];
  while (index < lines.length) {
    const raw = lines[index] ?? "";
    const first = raw.trimStart();
    index++;
    if (first === "" || isComment(first)) continue;
    const line = index;
    const column = raw.length - first.length + 1;
    let joined = first;
    let ended = !continuation.test(joined);
    if (!ended) joined = joined.replace(continuation, "$1");
    while (!ended && index < lines.length) {
      const next = lines[index] ?? "";
      index++;
      if (isComment(next) || next.trim() === "") continue;
      ended = !continuation.test(next);
      joined += ended ? next : next.replace(continuation, "$1");
    }
    const match = /^(\S+)\s*([\s\S]*)$/.exec(joined.trim());
    const keyword = (match?.[1] ?? "").toUpperCase();
    const { flags, rest } = splitFlags(match?.[2] ?? "");
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword) && joined.includes("<<") && !isJsonArray(rest)) {
      for (const word of rawWords(joined)) {
        const heredoc = parseHeredocWord(word);
        if (heredoc === undefined) continue;
        let content = "";
        let terminated = false;
        while (index < lines.length) {
          const body = lines[index] ?? "";
          index++;
          if ((heredoc.chomp ? body.replace(/^\t+/, "") : body) === heredoc.name) {
            terminated = true;
            break;
          }
          content += `${body}\n`;
        }
        if (!terminated) {
          problems.push({
            line,
            column,
            message: `${keyword} <<${heredoc.name}: unterminated heredoc, no line "${heredoc.name}" after it (up to line ${index})`,
            hint: `end the heredoc with a line that is exactly ${heredoc.name}${heredoc.chomp ? " (leading tabs allowed with <<-)" : " (no spaces around it)"}`,
          });
          break;
        }
        heredocs.push({ ...heredoc, content });
      }
    }
    instructions.push({ keyword, flags, rest: rest.trimStart(), line, column, lastLine: index, heredocs });
  }
  return { lines, directives, instructions, problems };
};

/** Whether the Dockerfile has a RUN/COPY/ADD heredoc (as BuildKit 1.4+ reads it). */
export const hasHeredocs = (scanned: ScannedDockerfile): boolean => scanned.instructions.some((i) => i.heredocs.length > 0) || scanned.problems.length > 0;

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
export const withoutSyntax = (scanned: ScannedDockerfile): string => {
  const out = [...scanned.lines];
  const kept = scanned.directives.filter((d) => d.name !== "syntax").map((d) => scanned.lines[d.index] ?? "");
  scanned.directives.forEach((d, i) => {
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

const platformArgs = (prefix: "TARGET" | "BUILD", platform: string): Record<string, string> => {
  const [os = "linux", arch = "amd64", variant = ""] = platform.split("/");
  return { [`${prefix}PLATFORM`]: platform, [`${prefix}OS`]: os, [`${prefix}ARCH`]: arch, [`${prefix}VARIANT`]: variant };
};

interface Stage {
  readonly name?: string;
  readonly env: Record<string, string>;
  shell: readonly string[];
  readonly base: string;
  readonly baseKnown: boolean;
}

/** `k=v` words (ENV k=v …, ARG k[=v] …), or the legacy `ENV k v…` form. */
const pairs = (rest: string, legacy: boolean): { key: string; value?: string }[] => {
  const words = rawWords(rest);
  const firstWord = words[0] ?? "";
  if (legacy && !firstWord.includes("=")) {
    const value = rest.trim().slice(firstWord.length).trim();
    return [{ key: firstWord, value }];
  }
  return words.map((w) => {
    const at = w.indexOf("=");
    return at < 0 ? { key: w } : { key: w.slice(0, at), value: w.slice(at + 1) };
  });
};

/** FROM images of stages not built from an earlier stage, after global ARG expansion (the images whose ENV expansion may need). */
export const externalBaseImages = (scanned: ScannedDockerfile, options: Pick<HeredocOptions, "args" | "platform" | "buildPlatform">): string[] => {
  const out: string[] = [];
  walkStages(scanned, { ...options }, (stage) => {
    if (!stage.baseKnown && stage.base !== "scratch" && !out.includes(stage.base)) out.push(stage.base);
  });
  return out;
};

/** Walks the instructions keeping each stage's ENV/ARG values and SHELL; calls `at` for each instruction in a stage. */
const walkStages = (scanned: ScannedDockerfile, options: HeredocOptions, onStage: (stage: Stage) => void, at?: (instruction: LogicalInstruction, stage: Stage) => void): void => {
  const meta: Record<string, string> = { ...platformArgs("BUILD", options.buildPlatform), ...platformArgs("TARGET", options.platform ?? options.buildPlatform) };
  const stages: Stage[] = [];
  let current: Stage | undefined;
  const expand = (word: string, env: Record<string, string>): string => {
    try {
      return expandWord(word, env);
    } catch {
      return word;
    }
  };
  for (const instruction of scanned.instructions) {
    if (instruction.keyword === "FROM") {
      const words = rawWords(instruction.rest);
      const image = expand(words[0] ?? "", meta);
      const name = words[1]?.toLowerCase() === "as" ? words[2]?.toLowerCase() : undefined;
      const parent = stages.find((s) => s.name !== undefined && s.name === image.toLowerCase()) ?? (/^\d+$/.test(image) ? stages[Number(image)] : undefined);
      const baseEnv = parent === undefined ? options.baseEnv?.[image] : undefined;
      current = {
        ...(name === undefined ? {} : { name }),
        env: parent !== undefined ? { ...parent.env } : { ...(baseEnv ?? {}) },
        shell: parent?.shell ?? ["/bin/sh", "-c"],
        base: image,
        baseKnown: parent !== undefined || baseEnv !== undefined || image === "scratch",
      };
      stages.push(current);
      onStage(current);
      continue;
    }
    if (instruction.keyword === "ARG") {
      for (const { key, value } of pairs(instruction.rest, false)) {
        if (current === undefined) {
          const v = options.args[key] ?? (value === undefined ? undefined : expand(value, meta));
          if (v !== undefined) meta[key] = v;
          continue;
        }
        const v = options.args[key] ?? (value === undefined ? meta[key] : expand(value, current.env));
        if (v !== undefined) current.env[key] = v;
      }
      continue;
    }
    if (current === undefined) continue;
    if (instruction.keyword === "ENV") {
      const stage = current;
      const values = pairs(instruction.rest, true).map(({ key, value }) => [key, expand(value ?? "", stage.env)] as const);
      for (const [key, value] of values) stage.env[key] = value;
    } else if (instruction.keyword === "SHELL") {
      try {
        const shell: unknown = JSON.parse(instruction.rest.trim());
        if (Array.isArray(shell) && shell.every((s) => typeof s === "string")) current.shell = shell;
      } catch {
        // Not JSON: the frontend refuses it; nothing to track.
      }
    }
    at?.(instruction, current);
  }
};

const withoutSyntaxIf = (drop: boolean, scanned: ScannedDockerfile): string => (drop ? withoutSyntax(scanned) : `${scanned.lines.join("\n")}\n`);

const chompTabs = (text: string): string => text.replace(/^\t+/gm, "");

const problemAt = (instruction: LogicalInstruction, message: string, hint?: string): HeredocProblem => ({ line: instruction.line, column: instruction.column, message, ...(hint === undefined ? {} : { hint }) });

const IMAGE = "\u0000devloop-heredoc-image\u0000";

/**
 * Rewrites the heredocs of a Dockerfile for a frontend without them. `problems` instead when one cannot be built
 * (located at the instruction).
 */
export const translateHeredocs = (scanned: ScannedDockerfile, options: HeredocOptions): HeredocTranslation | { readonly problems: readonly HeredocProblem[] } => {
  const problems: HeredocProblem[] = [...scanned.problems];
  const out = [...scanned.lines];
  const files: HeredocFile[] = [];
  const unknownBaseEnv: string[] = [];
  let rewritten = 0;
  const place = (instruction: LogicalInstruction, replacement: readonly string[]): void => {
    for (let i = instruction.line - 1; i < instruction.lastLine; i++) out[i] = "";
    replacement.forEach((text, i) => {
      out[instruction.line - 1 + i] = text;
    });
    rewritten++;
  };
  walkStages(
    scanned,
    options,
    () => undefined,
    (instruction, stage) => {
      if (instruction.heredocs.length === 0) return;
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
  const text = withoutSyntaxIf(options.dropSyntax === true, { ...scanned, lines: out });
  return { render: (image) => text.split(IMAGE).join(image), files, rewritten, unknownBaseEnv };
};

const runHeredoc = (instruction: LogicalInstruction, stage: Stage, files: HeredocFile[]): string => {
  const flags = instruction.flags.length > 0 ? `${instruction.flags.join(" ")} ` : "";
  const whole = parseHeredocWord(instruction.rest.trim());
  const first = instruction.heredocs[0];
  if (whole !== undefined && first !== undefined && instruction.heredocs.length === 1) {
    const body = first.chomp ? chompTabs(first.content) : first.content;
    if (body.startsWith("#!")) {
      const dir = `h${instruction.line}-1`;
      files.push({ path: `${dir}/${first.name}`, content: body, mode: 0o755 });
      return `RUN ${flags}--mount=type=bind,from=${IMAGE},source=/${dir},target=/dev/pipes /dev/pipes/${first.name}`;
    }
    return `RUN ${flags}${JSON.stringify([...stage.shell, body])}`;
  }
  const full = instruction.heredocs.reduce((text, h) => `${text}\n${h.content}${h.name}`, instruction.rest);
  return `RUN ${flags}${JSON.stringify([...stage.shell, full])}`;
};

const copyHeredoc = (instruction: LogicalInstruction, stage: Stage, files: HeredocFile[], unknownBaseEnv: string[]): { lines: string[] } | { problem: HeredocProblem } => {
  // `<< EOF` is one heredoc word, as the line's heredocs were found.
  const fields = instruction.rest.trim().replace(/(^|\s)(\d*<<-?)[ \t]+(?=[^\s<])/g, "$1$2").split(/\s+/);
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
    let content = word.chomp ? chompTabs(heredoc.content) : heredoc.content;
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
  const kept = instruction.flags.filter((f) => !/^--from=/.test(f));
  const copyFlags = instruction.keyword === "ADD" ? kept.filter((f) => /^--(chown|chmod)=/.test(f)) : kept;
  const lines: string[] = [];
  if (regular.length > 0) lines.push([instruction.keyword, ...instruction.flags, ...regular, dest].join(" "));
  lines.push(["COPY", ...copyFlags, `--from=${IMAGE}`, ...sources, dest].join(" "));
  return { lines };
};
