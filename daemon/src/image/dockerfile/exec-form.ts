/**
 * The exec (JSON) form of an instruction's arguments, as BuildKit's parseMaybeJSON / parseMaybeJSONToList read it
 * (frontend/dockerfile/parser/line_parsers.go): for RUN, CMD, ENTRYPOINT, SHELL, COPY, ADD, VOLUME and HEALTHCHECK's
 * command, arguments starting with `[` that are one JSON array of strings. A valid array holding anything but strings
 * is refused (errDockerfileNotStringArray); any other JSON error falls back to shell form. Text after the array is
 * where versions part: the frontend Docker 20.10 ships decodes the first value and drops the rest
 * (json.NewDecoder(…).Decode), BuildKit 0.15+ (moby/buildkit#5107, json.Unmarshal) reads the whole line as shell form.
 * devloop reads it as the current BuildKit does and reports the text. Pure.
 */

/** Instructions whose arguments BuildKit tries as a JSON array. */
export const EXEC_FORM_KEYWORDS: ReadonlySet<string> = new Set(["RUN", "CMD", "ENTRYPOINT", "SHELL", "COPY", "ADD", "VOLUME"]);

export interface ExecFormProblem {
  /** Offset in the arguments given. */
  readonly offset: number;
  readonly message: string;
  readonly hint: string;
  /** Text after the array: BuildKit versions read it differently, none refuses it. */
  readonly readsDifferently?: boolean;
}

export interface ExecForm {
  readonly json?: readonly string[];
  readonly problem?: ExecFormProblem;
}

const parse = (text: string): unknown => {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
};

/** The end (exclusive) of the JSON array `text` starts with, by brackets and strings; undefined when it never closes. */
const arrayEnd = (text: string): number | undefined => {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === "\\") i++;
    } else if (ch === "[" || ch === "{") depth++;
    else if (ch === "]" || ch === "}") {
      depth--;
      if (depth === 0) return i + 1;
    }
  }
  return undefined;
};

const show = (value: unknown): string => {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 39)}…` : text;
};

const notStrings = (keyword: string, items: readonly unknown[], offset: number): ExecFormProblem => ({
  offset,
  message: `${keyword}: an exec-form array must hold strings only (BuildKit refuses the line): expected ["…", "…"], found ${show(items.find((item) => typeof item !== "string"))}`,
  hint: 'quote every item, e.g. ["sleep", "5"]',
});

/** `args`: the instruction's arguments after its flags. */
export const readExecForm = (keyword: string, args: string): ExecForm => {
  const lead = args.length - args.trimStart().length;
  const text = args.trim();
  if (!text.startsWith("[")) return {};
  const whole = parse(text);
  if (Array.isArray(whole)) {
    return whole.every((item) => typeof item === "string") ? { json: whole } : { problem: notStrings(keyword, whole, lead) };
  }
  const end = arrayEnd(text);
  const first = end === undefined ? undefined : parse(text.slice(0, end));
  if (end === undefined || !Array.isArray(first)) return {};
  if (!first.every((item) => typeof item === "string")) return { problem: notStrings(keyword, first, lead) };
  const after = text.slice(end);
  const trailing = after.trim();
  return {
    problem: {
      offset: lead + end + (after.length - after.trimStart().length),
      message: `${keyword}: text after the exec-form array: expected the line to end at "]", found "${trailing.length > 40 ? `${trailing.slice(0, 39)}…` : trailing}"`,
      hint: `Docker 20.10's frontend runs ${show(first)} and drops the text, BuildKit 0.15+ runs the whole line in a shell: end the line at "]" (a # after it is no comment)`,
      readsDifferently: true,
    },
  };
};
