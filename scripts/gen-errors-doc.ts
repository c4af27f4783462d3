/**
 * Writes docs/errors.md (npm run docs:errors) from the code: every code table (compose, isolation, translate, build,
 * doctor, and the run-time errors' codes), with the compose and isolation codes' examples rendered from their
 * fixtures (fixtures/invalid/, fixtures/isolation/) exactly as `devloop validate` prints them.
 * scripts/gen-errors-doc.test.ts fails when the file is stale, or when the sources use a code the file lacks.
 */
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { BuildCodes, buildCodeDescriptions } from "../daemon/src/build/codes.js";
import { allCodes } from "../daemon/src/compose/codes.js";
import { loadProject } from "../daemon/src/compose/index.js";
import { CompileCodes, compileCodeDescriptions } from "../daemon/src/compile/codes.js";
import { nodeFileSystem } from "../daemon/src/compose/node-file-system.js";
import type { LoadOptions } from "../daemon/src/compose/types.js";
import { DOCTOR_CODES } from "../daemon/src/doctor/codes.js";
import { apiCodes } from "../daemon/src/errors/api-codes.js";
import { IsolationCodes, isolationCodeDescriptions, isolationCollisions } from "../daemon/src/policy/isolation-check.js";
import type { Diagnostic } from "../daemon/src/errors/diagnostic.js";
import { renderDiagnostic } from "../daemon/src/errors/render.js";
import { runtimeCodes } from "../daemon/src/errors/runtime-codes.js";
import { translateCodeDescriptions, TranslateCodes } from "../daemon/src/translate/codes.js";

export const ERRORS_DOC_PATH = fileURLToPath(new URL("../docs/errors.md", import.meta.url));
const fixtures = fileURLToPath(new URL("../fixtures/", import.meta.url));

/** One documented code: its severity as the docs word it ("error", "warning", "error / warning"), what it means. */
export interface CodeDoc {
  readonly code: string;
  readonly severity: string;
  readonly title: string;
  /** Paragraphs after the title (the doctor's why and fix). */
  readonly more?: readonly string[];
}

interface Family {
  readonly heading: string;
  readonly intro: readonly string[];
  readonly codes: readonly CodeDoc[];
}

export interface ErrorExample {
  /** Where the example's compose file is, relative to the repository: fixtures/invalid/<case> or fixtures/isolation. */
  readonly where: string;
  readonly compose: string;
  /** The rendered diagnostic(s) with this code from that case. */
  readonly rendered: string;
}

/** "warning: a compose key … ." → severity and title, as the translate and isolation tables write one line per code. */
const splitDescription = (code: string, line: string | undefined): CodeDoc => {
  const text = line ?? "";
  const colon = text.indexOf(": ");
  const severity = colon > 0 && /^(error|warning)/.test(text) ? text.slice(0, colon) : "error";
  const title = (colon > 0 && /^(error|warning)/.test(text) ? text.slice(colon + 2) : text).replace(/\.$/, "");
  return { code, severity, title };
};

/** Runs one fixtures/invalid case the way invalid-golden.test.ts does. */
const runCase = (dir: string): { diagnostics: readonly Diagnostic[]; source: (file: string) => string | undefined } => {
  const argsFile = path.join(dir, "args.json");
  const args = existsSync(argsFile) ? (JSON.parse(readFileSync(argsFile, "utf8")) as Partial<LoadOptions>) : {};
  const options: LoadOptions = { files: [], profiles: [], envFiles: [], services: [], ...args, environment: args.environment ?? {}, cwd: dir };
  const result = loadProject(options, nodeFileSystem);
  return { diagnostics: result.ok ? result.warnings : result.diagnostics, source: (file) => nodeFileSystem.readFile(path.resolve(dir, file)) };
};

const exampleFrom = (where: string, dir: string, code: string, diagnostics: readonly Diagnostic[], source: (file: string) => string | undefined): ErrorExample => ({
  where,
  compose: readFileSync(path.join(dir, "compose.yml"), "utf8"),
  rendered: diagnostics
    .filter((d) => d.code === code)
    .map((d) => renderDiagnostic(d, { color: false, source }))
    .join("\n\n"),
});

/** The first fixtures/invalid case (by name) that shows each compose code, and fixtures/isolation for the isolation codes. */
export const collectExamples = (): ReadonlyMap<string, ErrorExample> => {
  const examples = new Map<string, ErrorExample>();
  const invalid = path.join(fixtures, "invalid");
  const cases = readdirSync(invalid, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name)
    .sort();
  for (const caseName of cases) {
    const dir = path.join(invalid, caseName);
    const { diagnostics, source } = runCase(dir);
    for (const d of diagnostics) {
      if (!examples.has(d.code)) examples.set(d.code, exampleFrom(`fixtures/invalid/${caseName}`, dir, d.code, diagnostics, source));
    }
  }
  const isolationDir = path.join(fixtures, "isolation");
  const loaded = loadProject({ files: [], profiles: [], envFiles: [], services: [], environment: {}, cwd: isolationDir }, nodeFileSystem);
  if (!loaded.ok) throw new Error("fixtures/isolation does not load");
  const collisions = isolationCollisions(loaded.project);
  const source = (file: string): string | undefined => nodeFileSystem.readFile(path.resolve(isolationDir, file));
  for (const code of Object.values(IsolationCodes)) {
    if (collisions.some((d) => d.code === code)) examples.set(code, exampleFrom("fixtures/isolation", isolationDir, code, collisions, source));
  }
  return examples;
};

const families = (): readonly Family[] => [
  {
    heading: "Compose files (DL-COMPOSE)",
    intro: ["The compose loader's diagnostics: `devloop validate`, `render`, `config` and `up` report them, with an example each from fixtures/invalid/."],
    codes: allCodes,
  },
  {
    heading: "Namespace defaults (DL-ISOLATION)",
    intro: [
      "Where a service collides with the namespace defaults `devloop up` installs (a LimitRange with default limits and a max):",
      "`devloop validate` and `devloop up` print them as warnings, never failing; `up --no-isolation` installs no defaults, and then",
      "there is nothing to warn about.",
    ],
    codes: Object.values(IsolationCodes).map((code) => splitDescription(code, isolationCodeDescriptions[code])),
  },
  {
    heading: "Translation to Kubernetes (DL-TRANSLATE)",
    intro: ["What the translator reports about keys it cannot reproduce exactly; each key's treatment is in [compose-support.md](compose-support.md)."],
    codes: Object.values(TranslateCodes).map((code) => splitDescription(code, translateCodeDescriptions[code])),
  },
  {
    heading: "Image builds and compiler containers (DL-BUILD)",
    intro: ["`x-devloop.compile` ([compile.md](compile.md)), and Dockerfiles that Docker 20.10's BuildKit cannot build ([build.md](build.md))."],
    codes: [
      ...Object.values(CompileCodes).map((code) => splitDescription(code, compileCodeDescriptions[code])),
      ...Object.values(BuildCodes).map((code) => splitDescription(code, buildCodeDescriptions[code])),
    ],
  },
  {
    heading: "Image anti-patterns (DL-DOCTOR)",
    intro: ["`devloop doctor` findings, also shown by `devloop status` and the dashboard; how each is found and silenced: [doctor.md](doctor.md)."],
    codes: Object.entries(DOCTOR_CODES).map(([code, info]) => ({ code, severity: info.severity, title: info.title, more: [`Why: ${info.why}.`, `Fix: ${info.fix}.`] })),
  },
  {
    heading: "Run-time errors (DL-LOAD, DL-CLUSTER, DL-SYNC, DL-EXEC, DL-CLI, DL-DAEMON)",
    intro: [
      "Errors of the daemon and the CLI at run time (daemon/src/errors/devloop-error.ts): each carries its code, the message, the place",
      "when it has one, and at most one hint; the CLI prints the message, the daemon's log and the dashboard carry it as JSON in the",
      "diagnostic shape.",
    ],
    codes: runtimeCodes,
  },
  {
    heading: "The daemon's HTTP API (DL-API)",
    intro: [
      "What the daemon's API answers a request it refuses (daemon/src/server/api-error.ts): the HTTP status and",
      "`{ error: { code, reason, message, hint? } }` in the diagnostic shape, `reason` being the code's short name. The CLI",
      "prints the message and the hint (a 4xx exits 1, a 5xx 2); the dashboard shows them.",
    ],
    codes: apiCodes.map((c) => ({ code: c.code, severity: c.severity, title: `HTTP ${c.status} \`${c.reason}\`: ${c.title}` })),
  },
];

/** Every documented code, in the order docs/errors.md lists them. */
export const documentedCodes = (): readonly CodeDoc[] => families().flatMap((f) => f.codes);

export const renderErrorsDoc = (examples: ReadonlyMap<string, ErrorExample> = collectExamples()): string => {
  const all = families();
  const out: string[] = [
    "# devloop diagnostics and errors",
    "",
    "<!-- Generated by scripts/gen-errors-doc.ts from the code tables (compose/codes.ts, policy/isolation-check.ts, translate/codes.ts, compile/codes.ts, build/codes.ts, doctor/codes.ts, errors/runtime-codes.ts, errors/api-codes.ts) and the examples in fixtures/invalid/ and fixtures/isolation/. Do not edit; run `npm run docs:errors`. -->",
    "",
    "Every problem `devloop validate`, `render`, `config` and the daemon find in a compose project is a diagnostic with a",
    "stable code, a severity, the place (`file:line:column`, 1-based) and the key path, what was expected and what was found,",
    "and at most one hint. All problems in a run are reported, not just the first. `devloop validate` exits 1 when there is",
    "an error and 0 when there are only warnings. The dashboard receives the same diagnostics as JSON. Errors at run time",
    "carry a code of their own in the same shape.",
    "",
  ];
  for (const family of all) {
    out.push(`## ${family.heading}`, "", ...family.intro, "", "| code | severity | meaning |", "| --- | --- | --- |");
    out.push(...family.codes.map((c) => `| [${c.code}](#${c.code.toLowerCase()}) | ${c.severity} | ${c.title.replace(/\|/g, "\\|")} |`), "");
  }
  for (const family of all) {
    for (const c of family.codes) {
      out.push(`### ${c.code}`, "", `**${c.severity}**: ${c.title}.`, "");
      for (const paragraph of c.more ?? []) out.push(paragraph, "");
      const example = examples.get(c.code);
      if (example) out.push(`Example (\`${example.where}\`):`, "", "```yaml", example.compose.trimEnd(), "```", "", "```", example.rendered.trimEnd(), "```", "");
    }
  }
  return `${out.join("\n").trimEnd()}\n`;
};

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(ERRORS_DOC_PATH, renderErrorsDoc());
  process.stdout.write(`wrote ${ERRORS_DOC_PATH}\n`);
}
