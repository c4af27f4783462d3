// The dashboard: a snapshot from /api/state, then live updates over SSE (/api/events, id = seq, so EventSource
// resumes with Last-Event-ID). When the daemon restarts, the stream drops; the page reconnects and re-reads the
// snapshot. Plain ES modules, no build step.
import { ApiError, get, post } from "./api.js";
import { byId, h, replace } from "./dom.js";
import { renderDiagnostics } from "./views/diagnostics.js";
import { createLogView } from "./views/logs.js";
import { renderServices } from "./views/services.js";
import { renderTimeline } from "./views/timeline.js";
import { renderTranslation } from "./views/translation.js";

/** @typedef {import("./types.js").PublicProject} PublicProject */
/** @typedef {import("./types.js").PublicEvent} PublicEvent */
/** @typedef {import("./types.js").StateSnapshot} StateSnapshot */

/** @type {Map<string, PublicProject>} */
const projects = new Map();
/** @type {string | undefined} */
let selected = new URLSearchParams(location.search).get("project") ?? undefined;
let seq = 0;
let tab = "services";

const ui = {
  project: /** @type {HTMLSelectElement} */ (byId("project")),
  nsCurrent: byId("namespace-current"),
  cluster: byId("cluster"),
  connection: byId("connection"),
  nsForm: /** @type {HTMLFormElement} */ (byId("ns-form")),
  nsList: /** @type {HTMLSelectElement} */ (byId("ns-list")),
  nsNew: /** @type {HTMLInputElement} */ (byId("ns-new")),
  nsCreate: byId("ns-create"),
  profiles: byId("profiles"),
  notice: byId("notice"),
  diagCount: byId("diag-count"),
  trService: /** @type {HTMLSelectElement} */ (byId("tr-service")),
};

const logs = createLogView({
  list: byId("log-list"),
  service: /** @type {HTMLSelectElement} */ (byId("log-service")),
  level: /** @type {HTMLSelectElement} */ (byId("log-level")),
  search: /** @type {HTMLInputElement} */ (byId("log-search")),
  count: byId("log-count"),
});

/**
 * @param {string} text
 * @param {"info" | "error"} [tone]
 */
const notify = (text, tone = "info") => {
  ui.notice.textContent = text;
  ui.notice.className = `notice notice-${tone}`;
  ui.notice.hidden = false;
};

const current = () => (selected === undefined ? undefined : projects.get(selected));
const path = (/** @type {string} */ suffix) => `/api/projects/${encodeURIComponent(selected ?? "")}/${suffix}`;

// ---- rendering -------------------------------------------------------------------------------------------

const renderHeader = () => {
  const names = [...projects.keys()].sort();
  if (selected === undefined || !projects.has(selected)) selected = names[0];
  replace(ui.project, names.length === 0 ? h("option", { value: "" }, "(none)") : names.map((n) => h("option", { value: n }, n)));
  ui.project.value = selected ?? "";
  const p = current();
  ui.nsCurrent.textContent = p?.namespace ? `ns ${p.namespace}` : "";
  // The kube context the project runs under (the one its up was made with), just before its namespace.
  let contextEl = document.getElementById("kube-context");
  if (!contextEl) {
    contextEl = document.createElement("span");
    contextEl.id = "kube-context";
    contextEl.className = ui.nsCurrent.className;
    ui.nsCurrent.before(contextEl, " ");
  }
  contextEl.textContent = p?.context ? `context ${p.context}` : "";
  // How its built images reach that cluster (decided per project, for each up and reload), after the namespace.
  let deliveryEl = document.getElementById("image-delivery");
  if (!deliveryEl) {
    deliveryEl = document.createElement("span");
    deliveryEl.id = "image-delivery";
    deliveryEl.className = ui.nsCurrent.className;
    ui.nsCurrent.after(" ", deliveryEl);
  }
  const d = p?.delivery;
  deliveryEl.textContent = d === undefined ? "" : d.strategy === undefined ? "images: no delivery" : `images by ${d.strategy}${d.registry === undefined ? "" : ` ${d.registry}`}`;
  deliveryEl.title = d === undefined ? "" : [d.reason, d.error, d.note].filter((x) => x !== undefined).join("; ");
  const errors = p?.diagnostics.filter((d) => d.severity === "error").length ?? 0;
  const warnings = (p?.warnings.length ?? 0) + (p?.diagnostics.length ?? 0) - errors;
  ui.diagCount.textContent = errors > 0 ? String(errors) : warnings > 0 ? String(warnings) : "";
  ui.diagCount.className = errors > 0 ? "count count-error" : "count";
  logs.setServices(p?.services.map((s) => s.name) ?? []);
  const trNames = ["", ...(p?.services.map((s) => s.name) ?? [])];
  if ([...ui.trService.options].map((o) => o.value).join() !== trNames.join()) {
    const keep = ui.trService.value;
    replace(ui.trService, trNames.map((n) => h("option", { value: n }, n === "" ? "all" : n)));
    ui.trService.value = trNames.includes(keep) ? keep : "";
  }
};

const renderAll = () => {
  renderHeader();
  renderServices(byId("view-services"), current(), (kind, service) => void liveAction(kind, service));
  scheduleDetails();
};

/** @type {ReturnType<typeof setTimeout> | undefined} */
let detailsTimer;
/** Timeline, diagnostics and translation live behind their own routes: re-read shortly after the project changes. */
const scheduleDetails = () => {
  clearTimeout(detailsTimer);
  detailsTimer = setTimeout(() => void loadDetails(), 150);
};

/** @type {import("./types.js").TranslationView | undefined} */
let translation;
let translationKey = "";

const loadDetails = async () => {
  const p = current();
  if (!p) {
    renderTimeline(byId("view-timeline"), []);
    renderDiagnostics(byId("view-diagnostics"), []);
    return;
  }
  try {
    const [timeline, diagnostics] = await Promise.all([get(path("timeline")), get(path("diagnostics"))]);
    renderTimeline(byId("view-timeline"), /** @type {import("./types.js").TimelineChange[]} */ (timeline));
    renderDiagnostics(byId("view-diagnostics"), /** @type {import("./types.js").DiagnosticWithSource[]} */ (diagnostics));
    const key = `${p.name}/${p.namespace ?? ""}/${p.status}/${p.services.map((s) => s.name).join(",")}`;
    if (tab === "translation" && (key !== translationKey || !translation)) {
      translationKey = key;
      translation = p.status === "invalid" ? undefined : await get(path("translation"));
      renderTranslation(byId("translation"), translation, ui.trService.value);
    }
  } catch (error) {
    notify(error instanceof Error ? error.message : String(error), "error");
  }
};

const loadNamespaces = async () => {
  try {
    /** @type {import("./types.js").NamespaceInfo[]} */
    const list = await get("/api/namespaces");
    const ns = current()?.namespace;
    const names = [...new Set([...(ns ? [ns] : []), ...list.map((n) => n.name)])].sort();
    replace(ui.nsList, names.map((n) => {
      const info = list.find((i) => i.name === n);
      return h("option", { value: n }, `${n}${n === ns ? " (current)" : info?.project && info.project !== selected ? ` (${info.project})` : ""}`);
    }));
    if (ns) ui.nsList.value = ns;
  } catch (error) {
    notify(`namespaces: ${error instanceof Error ? error.message : String(error)}`, "error");
  }
};

const loadProfiles = async () => {
  if (!current()) {
    replace(ui.profiles, h("legend", {}, "Profiles"), h("span", { class: "muted" }, "—"));
    return;
  }
  try {
    /** @type {import("./types.js").ProfilesView} */
    const view = await get(path("profiles"));
    replace(
      ui.profiles,
      h("legend", {}, "Profiles"),
      view.available.length === 0 ? h("span", { class: "muted" }, "none in the compose files") : null,
      view.available.map((name) =>
        h("label", { class: "check" }, h("input", { type: "checkbox", value: name, checked: view.active.includes(name) || view.active.includes("*"), onchange: () => void setProfiles() }), name),
      ),
    );
  } catch {
    // the project may be invalid right now
  }
};

const setProfiles = async () => {
  const active = [...ui.profiles.querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value);
  try {
    await post(path("profiles"), { profiles: active });
    notify(`profiles: ${active.join(", ") || "(none)"}`);
  } catch (error) {
    notify(error instanceof Error ? error.message : String(error), "error");
  }
};

// ---- live updates ----------------------------------------------------------------------------------------

/** @param {PublicEvent} e */
const apply = (e) => {
  seq = Math.max(seq, e.seq);
  switch (e.type) {
    case "project": {
      const before = projects.get(e.project.name);
      projects.set(e.project.name, e.project);
      if (!before || before.namespace !== e.project.namespace) void loadNamespaces();
      renderAll();
      break;
    }
    case "projectRemoved":
      projects.delete(e.project);
      renderAll();
      break;
    case "cluster":
      renderCluster(e.cluster);
      break;
    case "log":
      if (e.project === undefined || e.project === selected) logs.add({ time: e.time, service: e.service ?? "daemon", level: e.level, line: e.line, source: e.source });
      if (e.project === selected) scheduleDetails();
      break;
  }
};

/** @param {import("./types.js").PublicCluster} c */
const renderCluster = (c) => {
  ui.cluster.textContent = c.reachable ? "cluster reachable" : `cluster unreachable: ${c.message ?? ""}`;
  ui.cluster.className = `pill ${c.reachable ? "pill-ok" : "pill-bad"}`;
};

/** @param {boolean} live */
const setConnection = (live) => {
  ui.connection.textContent = live ? "live" : "reconnecting…";
  ui.connection.className = `pill ${live ? "pill-ok" : "pill-bad"}`;
  document.body.dataset["connection"] = live ? "live" : "down";
};

const setSignedOut = () => {
  ui.connection.textContent = "signed out";
  ui.connection.className = "pill pill-bad";
  document.body.dataset["connection"] = "signed-out";
  notify("This browser is not signed in to the devloop daemon: open the link devloop up prints (devloop daemon status prints a new one).", "error");
};

const loadSnapshot = async () => {
  /** @type {StateSnapshot} */
  const snap = await get("/api/state");
  seq = snap.seq;
  projects.clear();
  for (const p of snap.projects) projects.set(p.name, p);
  renderCluster(snap.cluster);
  renderAll();
  if (performance.getEntriesByName("devloop:first-render").length === 0) performance.mark("devloop:first-render");
  logs.follow(selected);
  void loadNamespaces();
  void loadProfiles();
};

/** @type {EventSource | undefined} */
let source;
const connect = () => {
  source?.close();
  const es = new EventSource(`/api/events?since=${seq}`);
  source = es;
  let opened = false;
  es.onopen = () => {
    setConnection(true);
    // A reopened stream may be a restarted daemon: its snapshot is the truth, the events continue from there.
    if (opened) void loadSnapshot().catch(() => setConnection(false));
    opened = true;
  };
  es.onerror = () => {
    setConnection(false);
    if (es.readyState === EventSource.CLOSED) setTimeout(() => void start(), 1000);
  };
  for (const type of ["project", "projectRemoved", "cluster", "log"]) {
    es.addEventListener(type, (m) => apply(/** @type {PublicEvent} */ (JSON.parse(/** @type {MessageEvent<string>} */ (m).data))));
  }
};

const start = async () => {
  try {
    await loadSnapshot();
    connect();
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) {
      // Not signed in (or the session expired, or the daemon has a new token): only a new link helps.
      setSignedOut();
      setTimeout(() => void start(), 3000);
      return;
    }
    setConnection(false);
    setTimeout(() => void start(), 1000);
  }
};

// ---- controls --------------------------------------------------------------------------------------------

/** @param {string} namespace */
const switchNamespace = async (namespace) => {
  if (!selected || namespace === "") return;
  try {
    await post(path("namespace"), { namespace });
    notify(`switching ${selected} to namespace ${namespace}…`);
  } catch (error) {
    notify(error instanceof Error ? error.message : String(error), "error");
  }
};

ui.nsForm.addEventListener("submit", (e) => {
  e.preventDefault();
  void switchNamespace(ui.nsList.value);
});
ui.nsCreate.addEventListener("click", () => {
  if (!ui.nsNew.checkValidity() || ui.nsNew.value === "") {
    notify("a namespace name is lowercase letters, digits and '-', at most 63", "error");
    return;
  }
  void switchNamespace(ui.nsNew.value);
  ui.nsNew.value = "";
});
ui.project.addEventListener("change", () => {
  selected = ui.project.value || undefined;
  translation = undefined;
  renderAll();
  logs.follow(selected);
  void loadNamespaces();
  void loadProfiles();
});
ui.trService.addEventListener("change", () => renderTranslation(byId("translation"), translation, ui.trService.value));

/**
 * Restart, resync or rebuild one service, or all of them; the daemon answers at once (202) and the outcome shows
 * in the timeline.
 * @param {import("./types.js").LiveActionKind} kind
 * @param {string} [service]
 */
const liveAction = async (kind, service) => {
  if (!selected) return;
  try {
    /** @type {import("./types.js").LiveActionResponse} */
    const r = await post(path(kind), service === undefined ? {} : { service });
    const what = r.service ?? (kind === "rebuild" ? "every service" : r.services.join(", "));
    notify(what === "" ? `${kind}: ${r.note ?? "nothing to do"}` : `${kind} requested for ${what}${r.note === undefined ? "" : ` (${r.note})`}; the timeline shows the outcome`);
    scheduleDetails();
  } catch (error) {
    notify(`${kind}: ${error instanceof Error ? error.message : String(error)}`, "error");
  }
};

for (const button of /** @type {NodeListOf<HTMLButtonElement>} */ (document.querySelectorAll("button.live-action"))) {
  const kind = button.dataset["action"];
  if (kind !== "restart" && kind !== "resync" && kind !== "rebuild") continue;
  button.addEventListener("click", () => {
    button.disabled = true;
    void liveAction(kind).finally(() => (button.disabled = false));
  });
}
byId("down").addEventListener("click", () => {
  const p = current();
  if (!p || !confirm(`Delete everything of ${p.name} in namespace ${p.namespace ?? "?"}?`)) return;
  notify(`down ${p.name}…`);
  post(path("down"), {}).then(
    () => notify(`${p.name} is down`),
    (/** @type {unknown} */ error) => notify(error instanceof Error ? error.message : String(error), "error"),
  );
});

// Tabs: click, or arrow keys between them (WAI-ARIA tabs pattern).
const tabs = /** @type {HTMLButtonElement[]} */ ([...document.querySelectorAll('[role="tab"]')]);
/** @param {HTMLButtonElement} t */
const select = (t) => {
  for (const other of tabs) {
    const on = other === t;
    other.setAttribute("aria-selected", String(on));
    other.tabIndex = on ? 0 : -1;
    byId(other.getAttribute("aria-controls") ?? "").hidden = !on;
  }
  tab = t.id.replace("tab-", "");
  history.replaceState(null, "", `#${tab}`);
  if (tab === "translation" || tab === "timeline" || tab === "diagnostics") void loadDetails();
  if (tab === "logs") logs.render();
};
for (const t of tabs) {
  t.addEventListener("click", () => select(t));
  t.addEventListener("keydown", (e) => {
    const i = tabs.indexOf(t);
    const next = e.key === "ArrowRight" ? tabs[(i + 1) % tabs.length] : e.key === "ArrowLeft" ? tabs[(i - 1 + tabs.length) % tabs.length] : undefined;
    if (next) {
      next.focus();
      select(next);
    }
  });
}
const initial = tabs.find((t) => t.id === `tab-${location.hash.slice(1)}`);
if (initial) select(initial);

setConnection(false);
void start();
