// Timeline of changes: reason → action, and the per-step latency trace drawn as bars on the change's own time axis.
import { clock, duration, h, replace } from "../dom.js";

/** @typedef {import("../types.js").TimelineChange} TimelineChange */

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
          { class: `change change-${c.status}` },
          h(
            "div",
            { class: "change-head" },
            h("time", { datetime: new Date(c.at).toISOString() }, clock(c.at)),
            h("strong", { class: "reason" }, c.reason),
            h("span", { class: "arrow", "aria-hidden": "true" }, "→"),
            h("span", { class: "action" }, c.action),
            h("span", { class: `status status-${c.status === "done" ? "ready" : c.status === "error" ? "failed" : "applying"}` }, c.status === "running" ? "running" : c.status),
            c.totalMs === undefined ? null : h("span", { class: "total" }, duration(c.totalMs)),
          ),
          h(
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
                  {},
                  h("th", { scope: "row" }, s.name),
                  h("td", { class: "bar-cell" }, h("span", { class: `trace-bar trace-bar-${s.status}`, style: `margin-left:${left.toFixed(2)}%;width:${width.toFixed(2)}%` })),
                  h("td", { class: "num" }, s.endMs === undefined ? "…" : `+${duration(s.endMs)}`),
                  h("td", { class: "detail" }, s.detail ?? ""),
                );
              }),
            ),
          ),
        );
      }),
    ),
  );
};
