// Tiny DOM helpers: elements are built with textContent only (never innerHTML), so daemon data cannot inject markup.

/**
 * @param {string} tag
 * @param {Record<string, string | boolean | number | EventListener | undefined>} [attrs]
 * @param {...(Node | string | number | null | undefined | false | (Node | string | null | undefined | false)[])} children
 * @returns {HTMLElement}
 */
export const h = (tag, attrs = {}, ...children) => {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (typeof value === "function") el.addEventListener(key.replace(/^on/, ""), value);
    else if (key === "style") setStyle(el, String(value));
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
};

/**
 * Inline styles through the CSSOM, property by property: the page's Content-Security-Policy (style-src 'self')
 * blocks a style attribute, not the CSSOM.
 * @param {HTMLElement} el
 * @param {string} declarations "margin-left:3%;width:10%"
 */
const setStyle = (el, declarations) => {
  for (const declaration of declarations.split(";")) {
    const colon = declaration.indexOf(":");
    if (colon > 0) el.style.setProperty(declaration.slice(0, colon).trim(), declaration.slice(colon + 1).trim());
  }
};

/**
 * @param {HTMLElement} el
 * @param {unknown[]} children
 */
const append = (el, children) => {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    if (Array.isArray(c)) append(el, c);
    else el.append(c instanceof Node ? c : String(c));
  }
};

/**
 * Replaces an element's children.
 * @param {Element} el
 * @param {...(Node | string | null | undefined | false | (Node | string | null | undefined | false)[])} children
 */
export const replace = (el, ...children) => {
  el.replaceChildren();
  append(/** @type {HTMLElement} */ (el), children);
};

/** @param {number} ms */
export const duration = (ms) => (ms < 1000 ? `${Math.round(ms)} ms` : ms < 60_000 ? `${(ms / 1000).toFixed(1)} s` : `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`);

/** @param {number} t ms since epoch */
export const clock = (t) => new Date(t).toLocaleTimeString([], { hour12: false });

/**
 * @param {string} id
 * @returns {HTMLElement}
 */
export const byId = (id) => {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return el;
};
