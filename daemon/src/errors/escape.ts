/**
 * Input is quoted back in diagnostics (keys, values, source lines), and diagnostics reach a terminal (render.ts)
 * and the dashboard. Control bytes and escape sequences from a file must arrive as visible text, never act: an
 * ESC could recolour or rewrite the terminal, a bidi override reorder what the reader sees. Each such character
 * becomes \xNN (C0, DEL, C1) or \uNNNN (bidi controls, line/paragraph separators, BOM).
 */
import type { Diagnostic } from "./diagnostic.js";

// C0 except tab, DEL, C1; U+2028/2029; bidi embeddings, overrides and isolates; U+FEFF.
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
// eslint-disable-next-line no-control-regex
const UNSAFE_TEST = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;

const visible = (ch: string): string => {
  const code = ch.charCodeAt(0);
  return code < 0x100 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
};

/** The text with every control character written out (tabs kept); the same string when there is none. */
export const escapeControl = (text: string): string => (UNSAFE_TEST.test(text) ? text.replace(UNSAFE, visible) : text);

/** Every text field of a diagnostic escaped (the same object when nothing needed it). */
export const escapeDiagnostic = <D extends Diagnostic>(d: D): D => {
  const fields = ["file", "path", "message", "expected", "got", "hint"] as const;
  if (!fields.some((f) => typeof d[f] === "string" && UNSAFE_TEST.test(d[f]))) return d;
  const out: { -readonly [K in keyof D]: D[K] } = { ...d };
  for (const f of fields) {
    const v = d[f];
    if (typeof v === "string") (out as { [K in (typeof fields)[number]]?: string })[f] = escapeControl(v);
  }
  return out;
};
