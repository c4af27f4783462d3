/**
 * Server-side redaction for what the dashboard shows of compose text: a `KEY: value` / `KEY=value` line whose key
 * looks like a secret (DB_PASSWORD, API_KEY…) or whose value has a secret's shape (tokens, private keys, URLs with
 * a password) keeps its key and loses its value. Uses the doctor's patterns, so both agree on what a secret is.
 */
import { isSecretName, isTrivialValue, secretValueKind } from "../image/secret-patterns.js";

export const redactedMark = "•••• (redacted)";

const assignment = /^(\s*-?\s*["']?)([A-Za-z_][A-Za-z0-9_.-]*)(["']?\s*[:=]\s*)(.*)$/;

export const redactLine = (line: string): string => {
  const m = assignment.exec(line);
  if (m) {
    const [, lead = "", key = "", sep = "", value = ""] = m;
    if ((isSecretName(key) && !isTrivialValue(value)) || secretValueKind(value) !== undefined) return `${lead}${key}${sep}${redactedMark}`;
    return line;
  }
  return secretValueKind(line) === undefined ? line : redactedMark;
};

/** For diagnostic fields that quote a value (got, message): secret-shaped values are hidden. */
export const redactText = (text: string | undefined): string | undefined =>
  text === undefined ? undefined : secretValueKind(text) === undefined ? text : redactedMark;
