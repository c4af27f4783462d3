// Services table: status (build → apply → waiting on X → ready / crash-looping), pods, restarts, ports as links.
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
  const crash = s.phase === "failed" && /CrashLoopBackOff/.test(s.message ?? "");
  if (crash) return { word: "crash-looping", tone: "failed" };
  if (s.phase === "waiting" && s.waitingFor.length > 0) return { word: `waiting on ${s.waitingFor.join(", ")}`, tone: "waiting" };
  if (s.phase === "pending" && /build/i.test(s.message ?? "")) return { word: "build", tone: "applying" };
  if (s.phase === "building") return { word: "building", tone: "applying" };
  return { word: phaseWord[s.phase], tone: s.phase };
};

/**
 * @param {HTMLElement} root
 * @param {import("../types.js").PublicProject | undefined} project
 */
export const renderServices = (root, project) => {
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
      h("td", {}, h("span", { class: `status status-${st.tone}` }, st.word), s.message && st.word !== s.message && !st.word.startsWith("waiting") ? h("div", { class: "message" }, s.message) : null),
      h("td", { class: "mono" }, s.pods.length === 0 ? "—" : s.pods.map((p) => h("div", {}, p))),
      h("td", { class: s.restarts > 0 ? "num warn" : "num" }, s.restarts),
      h(
        "td",
        {},
        s.ports.length === 0
          ? "—"
          : s.ports.map((p) =>
              h("div", {}, h("a", { href: `http://localhost:${p.local}`, target: "_blank", rel: "noopener" }, `localhost:${p.local}`), h("span", { class: `pf pf-${p.status}`, title: p.message ?? p.status }, ` → ${p.remote} ${p.status === "active" ? "" : p.status}`)),
            ),
      ),
    );
  });
  replace(root, h("table", { class: "grid", id: "services-table" }, h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Service"), h("th", { scope: "col" }, "Status"), h("th", { scope: "col" }, "Pods"), h("th", { scope: "col" }, "Restarts"), h("th", { scope: "col" }, "Ports"))), h("tbody", {}, rows)));
};
