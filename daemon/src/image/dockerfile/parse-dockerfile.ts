/**
 * A Dockerfile parser sized for the doctor: instructions with their 1-based line and column, parser
 * directives (`# escape=`), line continuations, comments inside continuations, JSON (exec) form and
 * BuildKit heredocs (`RUN <<EOF … EOF`). It never throws: lines it cannot read become instructions the
 * checks ignore.
 */

export interface DockerfileInstruction {
  /** Upper-cased keyword: FROM, RUN, COPY … */
  readonly keyword: string;
  /** Everything after the keyword, continuations joined with a space, heredoc bodies appended on new lines. */
  readonly args: string;
  /** Leading --flag[=value] options (COPY --from=x, RUN --mount=…, ADD --checksum=…), keyed without the dashes. */
  readonly flags: Readonly<Record<string, string>>;
  /** args with the leading flags removed. */
  readonly body: string;
  /** The JSON array when the body is in exec form (["a", "b"]); undefined for shell form. */
  readonly json?: readonly string[];
  /** Heredoc bodies, in order (RUN <<EOF / COPY <<EOF). */
  readonly heredocs: readonly string[];
  readonly line: number;
  readonly column: number;
}

export interface ParsedDockerfile {
  readonly instructions: readonly DockerfileInstruction[];
  readonly escape: string;
}

const directivePattern = /^#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/;
const heredocPattern = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

const parseDirectives = (lines: readonly string[]): { escape: string; firstLine: number } => {
  let escape = "\\";
  let index = 0;
  for (; index < lines.length; index++) {
    const match = directivePattern.exec(lines[index] ?? "");
    if (!match) break;
    if (match[1]?.toLowerCase() === "escape" && (match[2] === "`" || match[2] === "\\")) escape = match[2];
  }
  return { escape, firstLine: index };
};

const splitFlags = (args: string): { flags: Record<string, string>; body: string } => {
  const flags: Record<string, string> = {};
  let rest = args;
  for (;;) {
    const match = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?\s*/.exec(rest);
    if (!match) break;
    const name = match[1] ?? "";
    const value = match[2] ?? "";
    // Repeated flags (several --mount) keep every value, space-separated (a flag value has no spaces).
    flags[name] = name in flags ? `${flags[name] ?? ""} ${value}` : value;
    rest = rest.slice(match[0].length);
  }
  return { flags, body: rest };
};

/** The exec (JSON) form of an instruction's body, ["a", "b"]; undefined for shell form (Docker's rule too). */
export const parseJsonArray = (body: string): readonly string[] | undefined => {
  const trimmed = body.trim();
  if (!trimmed.startsWith("[")) return undefined;
  try {
    const value: unknown = JSON.parse(trimmed);
    if (Array.isArray(value) && value.every((item) => typeof item === "string")) return value;
  } catch {
    // Not valid JSON: Docker treats it as shell form too.
  }
  return undefined;
};

const endsWithEscape = (line: string, escape: string): boolean => line.trimEnd().endsWith(escape);

export const parseDockerfile = (text: string): ParsedDockerfile => {
  const lines = text.replace(/\r\n?/g, "\n").split("\n");
  const { escape, firstLine } = parseDirectives(lines);
  const instructions: DockerfileInstruction[] = [];
  let index = firstLine;
  while (index < lines.length) {
    const raw = lines[index] ?? "";
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      index++;
      continue;
    }
    const startLine = index + 1;
    const column = raw.length - raw.trimStart().length + 1;
    let logical = "";
    let current = raw.trim();
    // Join continuation lines; comment and empty lines inside a continuation are skipped, as Docker does.
    while (endsWithEscape(current, escape) && index + 1 < lines.length) {
      logical += `${current.trimEnd().slice(0, -escape.length).trimEnd()} `;
      index++;
      while (index < lines.length && /^\s*(#.*)?$/.test(lines[index] ?? "")) index++;
      current = (lines[index] ?? "").trim();
    }
    logical += current;
    index++;
    const match = /^(\S+)\s*([\s\S]*)$/.exec(logical);
    const keyword = (match?.[1] ?? "").toUpperCase();
    const args = (match?.[2] ?? "").trim();
    const heredocs: string[] = [];
    if (keyword === "RUN" || keyword === "COPY" || keyword === "ADD") {
      for (const heredoc of args.matchAll(heredocPattern)) {
        const stripTabs = heredoc[1] === "-";
        const terminator = heredoc[3] ?? "";
        const bodyLines: string[] = [];
        while (index < lines.length) {
          const bodyLine = lines[index] ?? "";
          index++;
          if ((stripTabs ? bodyLine.replace(/^\t+/, "") : bodyLine) === terminator) break;
          bodyLines.push(stripTabs ? bodyLine.replace(/^\t+/, "") : bodyLine);
        }
        heredocs.push(bodyLines.join("\n"));
      }
    }
    const { flags, body } = splitFlags(args);
    const json = parseJsonArray(body);
    instructions.push({
      keyword,
      args: heredocs.length > 0 ? `${args}\n${heredocs.join("\n")}` : args,
      flags,
      body,
      ...(json === undefined ? {} : { json }),
      heredocs,
      line: startLine,
      column,
    });
  }
  return { instructions, escape };
};
