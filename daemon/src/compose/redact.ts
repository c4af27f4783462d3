/**
 * Secret values never travel in diagnostics. A diagnostic quotes what it found (`got`, the message), and with
 * `ports: ["${DB_PASSWORD}"]` what it found is the password — which would then go to the API, the event stream and
 * state.json. The loader knows which values are secret: those of variables whose name looks secret (the doctor's
 * patterns, image/secret-patterns.ts), the variables `secrets:` take their value from, inline secret content,
 * and env_file / environment entries whose name looks secret. Every occurrence of one of them in a diagnostic's text
 * is replaced by the redaction mark (the same one the dashboard uses for source lines).
 */
import type { Diagnostic } from "../errors/diagnostic.js";
import { escapeControl } from "../errors/escape.js";
import { isSecretName, isTrivialValue } from "../image/secret-patterns.js";
import type { FileObjectSpec, ServiceSpec } from "./types.js";

/** As server/dashboard-redact.ts shows a hidden value. */
export const redactedMark = "•••• (redacted)";

/** Shorter values are hidden only where they are the whole field (a 2-letter password must not blank every "ab"). */
const minSubstringLength = 4;

export interface SecretSources {
  /** The interpolation environment (shell > --env-file > .env). */
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly services?: Readonly<Record<string, Pick<ServiceSpec, "environment">>>;
  readonly secrets?: Readonly<Record<string, FileObjectSpec>>;
}

/** The values to hide, longest first (so a secret containing another is hidden whole). */
export const secretValues = (sources: SecretSources): readonly string[] => {
  const found = new Set<string>();
  const add = (value: string | undefined): void => {
    if (value !== undefined && !isTrivialValue(value)) found.add(value);
  };
  const env = sources.env ?? {};
  for (const [name, value] of Object.entries(env)) if (isSecretName(name)) add(value);
  for (const service of Object.values(sources.services ?? {})) {
    for (const [name, value] of Object.entries(service.environment)) if (isSecretName(name)) add(value);
  }
  for (const secret of Object.values(sources.secrets ?? {})) {
    if (secret.environment !== undefined) add(env[secret.environment]);
    add(secret.content);
  }
  return [...found].sort((a, b) => b.length - a.length);
};

/** How a value may appear in a diagnostic: as it is, JSON-quoted (got: "…"), and with its control bytes escaped. */
const spellings = (value: string): string[] => {
  const quoted = JSON.stringify(value).slice(1, -1);
  return [...new Set([value, quoted, escapeControl(value), escapeControl(quoted)])];
};

const redactText = (text: string, values: readonly string[]): string => {
  let out = text;
  for (const value of values) {
    for (const s of spellings(value)) {
      // A field that is the value, quoted or not (got: "…"), becomes the mark itself.
      if (out === s || out === `"${s}"` || out === `'${s}'`) return redactedMark;
      if (s.length >= minSubstringLength && out.includes(s)) out = out.split(s).join(redactedMark);
    }
  }
  return out;
};

const fields = ["message", "got", "expected", "hint"] as const;

/** The diagnostics with every secret value hidden (the same objects when none quotes one). */
export const redactDiagnostics = <D extends Diagnostic>(diagnostics: readonly D[], values: readonly string[]): D[] => {
  if (values.length === 0) return [...diagnostics];
  return diagnostics.map((d) => {
    let changed: Partial<Record<(typeof fields)[number], string>> | undefined;
    for (const f of fields) {
      const text = d[f];
      if (typeof text !== "string") continue;
      const redacted = redactText(text, values);
      if (redacted !== text) (changed ??= {})[f] = redacted;
    }
    return changed === undefined ? d : { ...d, ...changed };
  });
};
