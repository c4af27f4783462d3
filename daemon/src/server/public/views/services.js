// Services table: status (build → apply → waiting on X → ready / crash-looping / failed with its exit code, log tail
// and pod events), pods, restarts, ports as links, doctor findings (counts; expandable to code, message, file:line, fix).
import { ansiNodes } from "../ansi.js";
import { h, replace } from "../dom.js";

/** @typedef {import("../types.js").PublicService} PublicService */

/** Words for each phase, and the CSS class that colours it. */
const phaseWord = /** @type {const} */ ({
  pending: "pending",
  building: "building",
  waiting: "waiting",
  blocked: "blocked",
  applying: "applying",
  starting: "starting",
  ready: "ready",
  completed: "completed",
  failed: "failed",
});

/**
 * @param {PublicService} s
 * @returns {{word: string, tone: string}}
 */
export const statusOf = (s) => {
  const crash = s.phase === "failed" && (s.failure?.waiting === "CrashLoopBackOff" || /CrashLoopBackOff/.test(s.message ?? ""));
  if (crash) return { word: "crash-looping", tone: "failed" };
  if (s.phase === "failed" && s.failure?.reason === "OOMKilled") return { word: "OOMKilled", tone: "failed" };
  if (s.phase === "waiting" && s.waitingFor.length > 0) return { word: `waiting on ${s.waitingFor.join(", ")}`, tone: "waiting" };
  if (s.phase === "pending" && /build/i.test(s.message ?? "")) return { word: "build", tone: "applying" };
  if (s.phase === "building") return { word: "building", tone: "applying" };
  return { word: phaseWord[s.phase], tone: s.phase };
};

/** Services whose findings are expanded; kept across re-renders (every event redraws the table). */
const openFindings = new Set();

/**
 * "1 error, 2 warnings"; "" without findings.
 * @param {PublicService["findings"]} findings
 */
export const findingsCount = (findings) => {
  const errors = (findings ?? []).filter((f) => f.severity === "error").length;
  const warnings = (findings ?? []).length - errors;
  /** @param {number} n @param {string} word */
  const plural = (n, word) => `${n} ${word}${n === 1 ? "" : "s"}`;
  return [errors > 0 ? plural(errors, "error") : "", warnings > 0 ? plural(warnings, "warning") : ""].filter((part) => part !== "").join(", ");
};

/**
 * Doctor findings: a badge with the counts that opens (click, Enter or Space: a native <details>) the list of
 * code, message, file:line and fix. The badge's title lists the codes and messages too.
 * @param {PublicService} s
 */
const findingsCell = (s) => {
  const findings = s.findings ?? [];
  if (findings.length === 0) return h("td", { class: "findings" }, "—");
  const tone = findings.some((f) => f.severity === "error") ? "failed" : "waiting";
  const details = h(
    "details",
    {
      open: openFindings.has(s.name),
      ontoggle: () => {
        if (details instanceof HTMLDetailsElement && details.open) openFindings.add(s.name);
        else openFindings.delete(s.name);
      },
    },
    h("summary", { title: findings.map((f) => `${f.code} ${f.message}`).join("\n"), "aria-label": `doctor findings for ${s.name}: ${findingsCount(findings)}` }, h("span", { class: `status status-${tone}` }, findingsCount(findings))),
    h(
      "ul",
      { class: "finding-list" },
      findings.map((f) =>
        h(
          "li",
          { class: `finding finding-${f.severity}` },
          h("span", { class: "mono" }, f.code), " ", f.message,
          h("div", { class: "message" }, h("span", { class: "mono" }, f.line > 0 ? `${f.file}:${f.line}` : f.file), ` — fix: ${f.fix}`),
        ),
      ),
    ),
  );
  return h("td", { class: "findings" }, details);
};

/** Services whose failure details are folded; open by default (a failure is what to look at first). */
const foldedFailures = new Set();

/**
 * A failed service's pod: exit code and reason, the crashed run's last log lines (ANSI colours shown as colours) and
 * the pod's events; a failed build's output.
 * @param {PublicService} s
 */
const failureDetails = (s) => {
  const f = s.failure;
  const build = s.phase === "blocked" && s.build?.status === "failed" ? s.build : undefined;
  if (f === undefined && build === undefined) return null;
  const lines = f !== undefined ? f.logTail : build?.tail ?? [];
  const title = f !== undefined
    ? `${f.exitCode === undefined ? f.reason : `exit code ${f.exitCode} (${f.reason})`}${f.waiting === undefined ? "" : `, ${f.waiting}`} — pod ${f.pod}, container ${f.container}${f.restarts > 0 ? `, ${f.restarts} restarts` : ""}`
    : `image build failed: ${build?.error ?? ""}`;
  const details = h(
    "details",
    {
      class: "failure",
      "data-failure": s.name,
      open: !foldedFailures.has(s.name),
      ontoggle: () => {
        if (details instanceof HTMLDetailsElement && !details.open) foldedFailures.add(s.name);
        else foldedFailures.delete(s.name);
      },
    },
    h("summary", {}, title),
    lines.length > 0
      ? h("div", { class: "failure-log mono", "aria-label": `last log lines of ${s.name}` }, lines.map((l) => h("div", {}, ansiNodes(l))))
      : h("div", { class: "message" }, f !== undefined && !f.reported ? "reading the log…" : "no log output"),
    f !== undefined && f.events.length > 0 ? h("div", { class: "failure-events mono", "aria-label": `pod events of ${s.name}` }, f.events.map((e) => h("div", {}, e))) : null,
  );
  return details;
};

/**
 * @param {HTMLElement} root
 * @param {import("../types.js").PublicProject | undefined} project
 * @param {(kind: import("../types.js").LiveActionKind, service: string) => void} [onAction] a row's Restart button
 */
export const renderServices = (root, project, onAction) => {
  if (!project) {
    replace(root, h("p", { class: "empty" }, "No project. Run ", h("code", {}, "devloop up"), " in a compose project."));
    return;
  }
  if (project.services.length === 0) {
    replace(root, h("p", { class: "empty" }, project.status === "invalid" ? "The compose files do not load: see Diagnostics." : "No services yet."));
    return;
  }
  const rows = project.services.map((s) => {
    const st = statusOf(s);
    return h(
      "tr",
      { "data-service": s.name },
      h("th", { scope: "row" }, s.name, s.kind ? h("span", { class: "kind" }, s.kind) : null),
      h("td", {}, h("span", { class: `status status-${st.tone}` }, st.word), s.message && st.word !== s.message && !st.word.startsWith("waiting") ? h("div", { class: "message" }, s.message) : null, failureDetails(s)),
      h("td", { class: "mono" }, s.pods.length === 0 ? "—" : s.pods.map((p) => h("div", {}, p))),
      h("td", { class: s.restarts > 0 ? "num warn" : "num" }, s.restarts),
      h(
        "td",
        {},
        s.ports.length === 0
          ? "—"
          : s.ports.map((p) =>
              h(
                "div",
                {},
                // An ephemeral port (compose "80") has no local port until devloop has picked a free one.
                p.local === 0 ? h("span", { class: "mono", title: "a free local port, picked when the forward listens" }, "localhost:?") : h("a", { href: `http://localhost:${p.local}`, target: "_blank", rel: "noopener", ...(p.ephemeral ? { title: "a free local port devloop picked (compose gave no host port)" } : {}) }, `localhost:${p.local}`),
                h("span", { class: `pf pf-${p.status}`, title: p.message ?? p.status }, ` → ${p.remote} ${p.status === "active" ? "" : p.status}`),
              ),
            ),
      ),
      findingsCell(s),
      onAction === undefined ? null : h("td", { class: "row-actions" }, h("button", { type: "button", class: "small", "data-service-action": "restart", "aria-label": `Restart ${s.name}`, title: `restart ${s.name}: the process in place with live rules, new pods without`, onclick: () => onAction("restart", s.name) }, "Restart")),
    );
  });
  replace(root, h("table", { class: "grid", id: "services-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Service"), h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Pods"), h("th", { scope: "col" }, "Restarts"), h("th", { scope: "col" }, "Ports"), h("th", { scope: "col" }, "Findings"), onAction === undefined ? null : h("th", { scope: "col" }, h("span", { class: "visually-hidden" }, "Actions")))), h("tbody", {}, rows)));
};
