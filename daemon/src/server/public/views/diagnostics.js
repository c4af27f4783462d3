// Compose diagnostics: file:line:column, code, key path, expected/got, the source excerpt with a caret, the hint.
import { h, replace } from "../dom.js";

/** @typedef {import("../types.js").DiagnosticWithSource} DiagnosticWithSource */

/**
 * @param {DiagnosticWithSource} d
 */
const excerpt = (d) => {
  if (!d.excerpt) return null;
  const width = String(d.excerpt.firstLine + d.excerpt.lines.length - 1).length;
  /** @type {HTMLElement[]} */
  const rows = [];
  d.excerpt.lines.forEach((text, i) => {
    const n = d.excerpt ? d.excerpt.firstLine + i : 0;
    rows.push(h("span", { class: n === d.line ? "src-line src-here" : "src-line" }, `${String(n).padStart(width)} | ${text}\n`));
    if (n === d.line) {
      const col = Math.max(1, d.column);
      const len = Math.max(1, Math.min(d.length ?? 1, Math.max(1, text.length - (col - 1))));
      rows.push(h("span", { class: `caret caret-${d.severity}` }, `${" ".repeat(width)} | ${" ".repeat(col - 1)}${"^".repeat(len)}\n`));
    }
  });
  return h("pre", { class: "excerpt" }, rows);
};

/**
 * @param {HTMLElement} root
 * @param {readonly DiagnosticWithSource[]} diagnostics
 */
export const renderDiagnostics = (root, diagnostics) => {
  if (diagnostics.length === 0) {
    replace(root, h("p", { class: "empty ok" }, "No diagnostics: the compose files load cleanly."));
    return;
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  replace(
    root,
    h("p", { class: "summary" }, `${errors} error(s), ${diagnostics.length - errors} warning(s)`, errors > 0 ? " — the last good version keeps running." : ""),
    diagnostics.map((d) =>
      h(
        "article",
        { class: `diag diag-${d.severity}` },
        h(
          "header",
          {},
          h("span", { class: "loc mono" }, d.file === "" ? "" : d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file),
          h("span", { class: `sev sev-${d.severity}` }, d.severity),
          h("span", { class: "code mono" }, d.code),
          d.path ? h("span", {}, "at ", h("span", { class: "mono path" }, d.path)) : null,
        ),
        h("p", { class: "msg" }, d.message),
        d.expected !== undefined || d.got !== undefined
          ? h("p", { class: "expect" }, d.expected !== undefined ? `expected ${d.expected}` : "", d.expected !== undefined && d.got !== undefined ? "; " : "", d.got !== undefined ? `got ${d.got}` : "")
          : null,
        excerpt(d),
        d.hint ? h("p", { class: "hint" }, h("strong", {}, "hint: "), d.hint) : null,
      ),
    ),
  );
};
