// ANSI colours in log lines → spans with classes (or a CSSOM colour for 256-colour and truecolour codes); every
// other escape sequence is dropped. The text goes in as text nodes (dom.js h), never as markup.
import { h } from "./dom.js";

// CSI … final byte (SGR is "m"), OSC … BEL/ST, and lone two-byte escapes.
const escapes = /\u001b\[([0-9;:?]*)([@-~])|\u001b\][^\u0007\u001b]*(?:\u0007|\u001b\\)|\u001b[@-Z\\-_]/g;

/** @param {string} line */
export const stripAnsi = (line) => line.replace(escapes, "");

/** xterm's 256-colour cube and grey ramp, as an rgb() colour. @param {number} n */
const xterm256 = (n) => {
  if (n < 16) return undefined;
  if (n >= 232) {
    const v = 8 + (n - 232) * 10;
    return `rgb(${v},${v},${v})`;
  }
  const i = n - 16;
  /** @param {number} c */
  const level = (c) => (c === 0 ? 0 : 55 + c * 40);
  return `rgb(${level(Math.floor(i / 36))},${level(Math.floor(i / 6) % 6)},${level(i % 6)})`;
};

/**
 * @typedef {{ fg?: string, bg?: string, fgStyle?: string, bgStyle?: string, bold?: boolean, dim?: boolean, italic?: boolean, underline?: boolean }} Style
 */

/**
 * Applies one SGR parameter list to a style.
 * @param {Style} style
 * @param {number[]} codes
 * @returns {Style}
 */
const apply = (style, codes) => {
  let s = { ...style };
  for (let i = 0; i < codes.length; i++) {
    const c = codes[i] ?? 0;
    if (c === 0) s = {};
    else if (c === 1) s.bold = true;
    else if (c === 2) s.dim = true;
    else if (c === 3) s.italic = true;
    else if (c === 4) s.underline = true;
    else if (c === 22) s.bold = s.dim = false;
    else if (c === 23) s.italic = false;
    else if (c === 24) s.underline = false;
    else if ((c >= 30 && c <= 37) || (c >= 90 && c <= 97)) {
      s.fg = String(c);
      delete s.fgStyle;
    } else if (c === 39) {
      delete s.fg;
      delete s.fgStyle;
    } else if ((c >= 40 && c <= 47) || (c >= 100 && c <= 107)) {
      s.bg = String(c);
      delete s.bgStyle;
    } else if (c === 49) {
      delete s.bg;
      delete s.bgStyle;
    } else if (c === 38 || c === 48) {
      // 38;5;n (256 colours) or 38;2;r;g;b (truecolour).
      const mode = codes[i + 1];
      let colour;
      let basic;
      if (mode === 5) {
        const n = codes[i + 2] ?? 0;
        colour = xterm256(n);
        if (colour === undefined) basic = n < 8 ? 30 + n : 90 + (n - 8);
        i += 2;
      } else if (mode === 2) {
        colour = `rgb(${codes[i + 2] ?? 0},${codes[i + 3] ?? 0},${codes[i + 4] ?? 0})`;
        i += 4;
      }
      if (c === 38) {
        if (basic !== undefined) {
          s.fg = String(basic);
          delete s.fgStyle;
        } else if (colour !== undefined) {
          s.fgStyle = colour;
          delete s.fg;
        }
      } else if (basic !== undefined) {
        s.bg = String(basic + 10);
        delete s.bgStyle;
      } else if (colour !== undefined) {
        s.bgStyle = colour;
        delete s.bg;
      }
    }
  }
  return s;
};

/**
 * Splits a line into its text runs and the style of each.
 * @param {string} line
 * @returns {{ text: string, style: Style }[]}
 */
export const ansiRuns = (line) => {
  /** @type {{ text: string, style: Style }[]} */
  const runs = [];
  /** @type {Style} */
  let style = {};
  let last = 0;
  for (const m of line.matchAll(escapes)) {
    const at = m.index ?? 0;
    if (at > last) runs.push({ text: line.slice(last, at), style });
    last = at + m[0].length;
    if (m[2] === "m") style = apply(style, (m[1] ?? "").split(/[;:]/).map((p) => (p === "" ? 0 : Number(p))));
  }
  if (last < line.length) runs.push({ text: line.slice(last), style });
  return runs;
};

/**
 * The line as nodes: plain text where unstyled, spans with ansi-* classes where coloured.
 * @param {string} line
 * @returns {(Node | string)[]}
 */
export const ansiNodes = (line) =>
  ansiRuns(line).map(({ text, style }) => {
    const classes = [style.fg === undefined ? "" : `ansi-fg-${style.fg}`, style.bg === undefined ? "" : `ansi-bg-${style.bg}`, style.bold ? "ansi-bold" : "", style.dim ? "ansi-dim" : "", style.italic ? "ansi-italic" : "", style.underline ? "ansi-underline" : ""].filter((c) => c !== "");
    const css = [style.fgStyle === undefined ? "" : `color:${style.fgStyle}`, style.bgStyle === undefined ? "" : `background-color:${style.bgStyle}`].filter((c) => c !== "").join(";");
    if (classes.length === 0 && css === "") return text;
    return h("span", { ...(classes.length === 0 ? {} : { class: classes.join(" ") }), ...(css === "" ? {} : { style: css }) }, text);
  });
