// Live logs: pod output of every service (streamed from /api/projects/:name/logs?follow=1) and the daemon's own log
// events (SSE), combined or per service, with a text search and a minimum level.
import { ansiNodes, stripAnsi } from "../ansi.js";
import { clock, h, replace } from "../dom.js";

/** @typedef {import("../types.js").LogEntry} LogEntry */

const levels = /** @type {const} */ (["debug", "info", "warn", "error"]);
const maxEntries = 5000;
const shown = 1000;

/**
 * A pod line has no level field: take it from the usual words.
 * @param {string} raw
 * @returns {LogEntry["level"]}
 */
export const guessLevel = (raw) => {
  const line = stripAnsi(raw);
  return /\b(error|err|fatal|panic|exception)\b/i.test(line) ? "error" : /\b(warn|warning)\b/i.test(line) ? "warn" : /\b(debug|trace)\b/i.test(line) ? "debug" : "info";
};

/**
 * @param {{ list: HTMLElement, service: HTMLSelectElement, level: HTMLSelectElement, search: HTMLInputElement, count: HTMLElement }} ui
 */
export const createLogView = (ui) => {
  /** @type {LogEntry[]} */
  const entries = [];
  let scheduled = false;
  /** @type {AbortController | undefined} */
  let stream;

  const render = () => {
    scheduled = false;
    const service = ui.service.value;
    const min = levels.indexOf(/** @type {LogEntry["level"]} */ (ui.level.value));
    const q = ui.search.value.trim().toLowerCase();
    const matches = entries.filter((e) => (service === "" || e.service === service) && levels.indexOf(e.level) >= min && (q === "" || stripAnsi(e.line).toLowerCase().includes(q)));
    const atBottom = ui.list.scrollTop + ui.list.clientHeight >= ui.list.scrollHeight - 8;
    replace(
      ui.list,
      matches.slice(-shown).map((e) => h("div", { class: `log log-${e.level}` }, h("time", {}, clock(e.time)), h("span", { class: "src" }, e.service), h("span", { class: "lvl" }, e.level), h("span", { class: "line" }, ansiNodes(e.line)))),
    );
    ui.count.textContent = `${matches.length} of ${entries.length} lines`;
    if (atBottom) ui.list.scrollTop = ui.list.scrollHeight;
  };
  const schedule = () => {
    if (scheduled) return;
    scheduled = true;
    requestAnimationFrame(render);
  };
  for (const el of [ui.service, ui.level]) el.addEventListener("change", render);
  ui.search.addEventListener("input", render);

  /** @param {LogEntry} e */
  const add = (e) => {
    entries.push(e);
    if (entries.length > maxEntries) entries.splice(0, entries.length - maxEntries);
    schedule();
  };

  /**
   * Follows the pod logs of a project until stopped; reconnects when the stream ends (rollout, restart).
   * @param {string | undefined} project
   */
  const follow = (project) => {
    stream?.abort();
    stream = undefined;
    if (project === undefined) return;
    const ctl = new AbortController();
    stream = ctl;
    const run = async () => {
      let first = true;
      while (!ctl.signal.aborted) {
        try {
          const res = await fetch(`/api/projects/${encodeURIComponent(project)}/logs?follow=1${first ? "&tail=200" : "&since=5"}`, { signal: ctl.signal });
          first = false;
          if (res.ok && res.body) {
            const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
            let rest = "";
            for (;;) {
              const { value, done } = await reader.read();
              if (done) break;
              const parts = (rest + value).split("\n");
              rest = parts.pop() ?? "";
              for (const p of parts) {
                if (p === "") continue;
                /** @type {{service: string, pod: string, line?: string, error?: string}} */
                const m = JSON.parse(p);
                const line = m.line ?? `[${m.pod}] ${m.error ?? ""}`;
                add({ time: Date.now(), service: m.service, level: m.error !== undefined ? "warn" : guessLevel(line), line, source: m.pod });
              }
            }
          }
        } catch {
          // aborted, or the daemon went away: retry below
        }
        if (!ctl.signal.aborted) await new Promise((r) => setTimeout(r, 2000));
      }
    };
    void run();
  };

  /** @param {readonly string[]} services */
  const setServices = (services) => {
    const current = ui.service.value;
    const names = ["", ...services, "daemon"];
    const existing = [...ui.service.options].map((o) => o.value);
    if (existing.join("\n") !== names.join("\n")) {
      replace(ui.service, names.map((n) => h("option", { value: n }, n === "" ? "all (combined)" : n)));
      ui.service.value = names.includes(current) ? current : "";
    }
  };

  return { add, follow, setServices, render };
};
