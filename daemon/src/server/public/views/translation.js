// Translation view: per service, each compose key and the Kubernetes fields it became (or why it was ignored).
import { h, replace } from "../dom.js";

/**
 * @param {HTMLElement} root
 * @param {import("../types.js").TranslationView | undefined} view
 * @param {string} service "" = all
 */
export const renderTranslation = (root, view, service) => {
  if (!view) {
    replace(root, h("p", { class: "empty" }, "Loading…"));
    return;
  }
  const entries = view.entries.filter((e) => service === "" || e.service === service);
  /** @type {Map<string, typeof entries>} */
  const groups = new Map();
  for (const e of entries) groups.set(e.service, [...(groups.get(e.service) ?? []), e]);
  replace(
    root,
    [...groups].map(([name, list]) =>
      h(
        "section",
        { class: "translation", "data-service": name },
        h("h3", {}, name, h("span", { class: "muted" }, ` in namespace ${view.namespace}`)),
        h(
          "table",
          { class: "grid" },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Compose key"), h("th", { scope: "col" }, "Kubernetes fields"), h("th", { scope: "col" }, "Status"))),
          h(
            "tbody",
            {},
            list.map((e) =>
              h(
                "tr",
                {},
                h("td", { class: "mono" }, e.composePath),
                h("td", { class: "mono" }, e.kubeFields.length === 0 ? h("span", { class: "muted" }, "—") : e.kubeFields.map((f) => h("div", {}, f))),
                h("td", {}, h("span", { class: `tr-status tr-${e.status}` }, e.status), e.note ? h("div", { class: "note" }, e.note) : null),
              ),
            ),
          ),
        ),
      ),
    ),
    groups.size === 0 ? h("p", { class: "empty" }, "Nothing to show.") : null,
  );
};
