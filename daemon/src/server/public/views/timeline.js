// Timeline of changes: reason → action, and the per-step latency trace drawn as bars on the change's own time axis.
// Reloads (compose edits, up, namespace, profiles, rebuild) and the live loop's changes (a synced file, a compile,
// a new pod reconciled, a restart or resync request) look alike: failed ones in red with their error, refused paths
// listed under the trace.
import { clock, duration, h, replace } from "../dom.js";

/** @typedef {import("../types.js").TimelineChange} TimelineChange */

/** @param {TimelineChange} c */
const files = (c) => {
  const list = c.files ?? [];
  // A compile's file is its artifact (named in the sync step); one changed file is already the reason.
  if (list.length === 0 || c.action === "compile" || (c.fileCount === 1 && c.reason.startsWith(list[0] ?? "\0"))) return null;
  const more = (c.fileCount ?? list.length) - Math.min(list.length, 5);
  return h("p", { class: "change-files mono" }, list.slice(0, 5).join(", "), more > 0 ? ` and ${more} more` : "");
};

/**
 * @param {HTMLElement} root
 * @param {readonly TimelineChange[]} changes newest first
 */
export const renderTimeline = (root, changes) => {
  if (changes.length === 0) {
    replace(root, h("p", { class: "empty" }, "No changes yet. Edit a compose file or a synced source file and it shows up here."));
    return;
  }
  replace(
    root,
    h(
      "ol",
      { class: "timeline" },
      changes.map((c) => {
        const total = Math.max(1, c.totalMs ?? Math.max(0, ...c.steps.map((s) => s.endMs ?? s.startMs)));
        return h(
          "li",
          { class: `change change-${c.status}`, "data-change": c.id, "data-action": c.action, ...(c.trigger === undefined ? {} : { "data-trigger": c.trigger }) },
          h(
            "div",
            { class: "change-head" },
            h("time", { datetime: new Date(c.at).toISOString() }, clock(c.at)),
            c.service === undefined ? null : h("span", { class: "change-service mono" }, c.service),
            h("strong", { class: "reason" }, c.reason),
            h("span", { class: "arrow", "aria-hidden": "true" }, "→"),
            h("span", { class: "action" }, c.action),
            h("span", { class: `status status-${c.status === "done" ? "ready" : c.status === "error" ? "failed" : "applying"}` }, c.status === "running" ? "running" : c.status === "error" ? "failed" : c.status),
            c.totalMs === undefined ? null : h("span", { class: "total" }, duration(c.totalMs)),
          ),
          c.error === undefined ? null : h("p", { class: "change-error-text mono", role: "note" }, c.error),
          files(c),
          c.steps.length === 0
            ? null
            : h(
                "table",
                { class: "trace" },
                h(
                  "tbody",
                  {},
                  c.steps.map((s) => {
                    const end = s.endMs ?? total;
                    const left = (100 * s.startMs) / total;
                    const width = Math.max(0.5, (100 * (end - s.startMs)) / total);
                    return h(
                      "tr",
                      { class: `trace-row-${s.status}` },
                      h("th", { scope: "row" }, s.name),
                      h("td", { class: "bar-cell" }, h("span", { class: `trace-bar trace-bar-${s.status}`, style: `margin-left:${left.toFixed(2)}%;width:${width.toFixed(2)}%` })),
                      h("td", { class: "num", title: s.endMs === undefined ? "still running" : `from +${duration(s.startMs)} to +${duration(s.endMs)} after the change began` }, s.endMs === undefined ? "…" : duration(s.endMs - s.startMs)),
                      h("td", { class: "detail" }, s.detail ?? ""),
                    );
                  }),
                ),
              ),
          c.refused === undefined || c.refused.length === 0
            ? null
            : h("ul", { class: "refused", "aria-label": "refused paths" }, c.refused.map((r) => h("li", {}, "refused: ", r))),
        );
      }),
    ),
  );
};
