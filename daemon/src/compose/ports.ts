/**
 * ports and expose, short and long syntax → PortSpec / ExposeSpec.
 * Short: [[host_ip:][published[-range]]:]target[-range][/protocol], host_ip may be [IPv6].
 */
import type { LNode } from "./located.js";
import { describe, get, joinPath } from "./located.js";
import type { NormalizeContext } from "./normalize-context.js";
import type { ExposeSpec, PortSpec } from "./types.js";

const PROTOCOLS = ["tcp", "udp", "sctp"] as const;
const EXPECTED = 'a port mapping like "8080:80", "8080:80/udp", "127.0.0.1:8080:80" or {target: 80, published: 8080}';

type Range = readonly [number, number];

const parseRange = (text: string): Range | undefined => {
  const m = /^(\d+)(?:-(\d+))?$/.exec(text);
  if (!m) return undefined;
  const a = Number(m[1]);
  const b = m[2] === undefined ? a : Number(m[2]);
  if (a < 0 || b > 65535 || b < a) return undefined;
  return [a, b];
};

const hintFor = (text: string): string | undefined => {
  if (/^\d+:\d+:(tcp|udp|sctp)$/i.test(text)) return `the protocol goes after a slash: "${text.replace(/:(\w+)$/, "/$1")}"`;
  if (/\s/.test(text)) return "remove the spaces";
  return undefined;
};

export const parseShortPort = (text: string): PortSpec[] | string => {
  let rest = text.trim();
  let protocol: PortSpec["protocol"] = "tcp";
  const slash = rest.lastIndexOf("/");
  if (slash >= 0) {
    const p = rest.slice(slash + 1).toLowerCase();
    if (!(PROTOCOLS as readonly string[]).includes(p)) return `unknown protocol "${p}"`;
    protocol = p as PortSpec["protocol"];
    rest = rest.slice(0, slash);
  }
  let hostIp: string | undefined;
  if (rest.startsWith("[")) {
    const close = rest.indexOf("]");
    if (close < 0 || rest[close + 1] !== ":") return "malformed IPv6 host address";
    hostIp = rest.slice(1, close);
    rest = rest.slice(close + 2);
  }
  const parts = rest.split(":");
  if (parts.length > 3 || (hostIp !== undefined && parts.length > 2)) return "too many colons";
  let publishedText: string | undefined;
  let targetText: string;
  if (parts.length === 3) {
    hostIp = parts[0];
    publishedText = parts[1];
    targetText = parts[2] as string;
  } else if (parts.length === 2) {
    publishedText = parts[0];
    targetText = parts[1] as string;
  } else targetText = parts[0] as string;
  const target = parseRange(targetText);
  if (!target || target[0] === 0) return `invalid container port "${targetText}"`;
  let published: Range | undefined;
  if (publishedText !== undefined && publishedText !== "") {
    published = parseRange(publishedText);
    if (!published) return `invalid host port "${publishedText}"`;
  }
  const count = target[1] - target[0] + 1;
  if (published && published[1] - published[0] + 1 !== count && count !== 1) return "the host and container port ranges have different lengths";
  const out: PortSpec[] = [];
  for (let i = 0; i < count; i++) {
    const spec: { -readonly [K in keyof PortSpec]: PortSpec[K] } = { target: target[0] + i, protocol, mode: "ingress" };
    if (published) spec.published = published[0] + (count === 1 ? 0 : i);
    if (hostIp !== undefined && hostIp !== "") spec.hostIp = hostIp;
    out.push(spec);
  }
  return out;
};

export const normalizePorts = (ctx: NormalizeContext, node: LNode | undefined, path: string): PortSpec[] => {
  if (node === undefined) return [];
  if (node.kind !== "seq") {
    ctx.wrongType(node, path, "a list of ports");
    return [];
  }
  const out: PortSpec[] = [];
  node.items.forEach((item, i) => {
    const p = joinPath(path, i);
    if (item.kind === "scalar" && (typeof item.value === "string" || typeof item.value === "number")) {
      const text = String(item.value);
      const parsed = parseShortPort(text);
      if (typeof parsed === "string") {
        const hint = hintFor(text);
        ctx.report("invalidPort", item, p, `invalid port mapping: ${parsed}`, { expected: EXPECTED, got: JSON.stringify(text), ...(hint ? { hint } : {}) });
      } else out.push(...parsed);
      return;
    }
    if (item.kind !== "map") {
      ctx.report("invalidPort", item, p, "invalid port mapping", { expected: EXPECTED, got: describe(item) });
      return;
    }
    const targetNode = get(item, "target");
    if (targetNode === undefined) {
      ctx.report("invalidPort", item, p, "a long-form port needs a target", { expected: "target: <container port>" });
      return;
    }
    const target = ctx.num(targetNode, `${p}.target`, { integer: true, min: 1 });
    const publishedNode = get(item, "published");
    let published: number | undefined;
    if (publishedNode !== undefined && !(publishedNode.kind === "scalar" && (publishedNode.value === null || publishedNode.value === ""))) {
      const text = publishedNode.kind === "scalar" ? String(publishedNode.value) : "";
      const range = parseRange(text);
      if (!range) ctx.report("invalidPort", publishedNode, `${p}.published`, "invalid host port", { expected: "a port number or range like 8080 or 8000-8010", got: describe(publishedNode) });
      else published = range[0];
    }
    const protocol = get(item, "protocol") === undefined ? "tcp" : ctx.oneOf(get(item, "protocol"), `${p}.protocol`, PROTOCOLS);
    const mode = get(item, "mode") === undefined ? "ingress" : ctx.oneOf(get(item, "mode"), `${p}.mode`, ["host", "ingress"] as const);
    if (target === undefined || protocol === undefined) return;
    const spec: { -readonly [K in keyof PortSpec]: PortSpec[K] } = { target, protocol };
    if (mode !== undefined) spec.mode = mode;
    if (published !== undefined) spec.published = published;
    const hostIp = ctx.str(get(item, "host_ip"), `${p}.host_ip`);
    if (hostIp !== undefined && hostIp !== "") spec.hostIp = hostIp;
    const name = ctx.str(get(item, "name"), `${p}.name`);
    if (name !== undefined) spec.name = name;
    const appProtocol = ctx.str(get(item, "app_protocol"), `${p}.app_protocol`);
    if (appProtocol !== undefined) spec.appProtocol = appProtocol;
    out.push(spec);
  });
  return out;
};

export const normalizeExpose = (ctx: NormalizeContext, node: LNode | undefined, path: string): ExposeSpec[] => {
  if (node === undefined) return [];
  if (node.kind !== "seq") {
    ctx.wrongType(node, path, "a list of ports");
    return [];
  }
  const out: ExposeSpec[] = [];
  node.items.forEach((item, i) => {
    const text = item.kind === "scalar" && item.value !== null ? String(item.value) : undefined;
    const m = text === undefined ? null : /^(\d+(?:-\d+)?)(?:\/(tcp|udp|sctp))?$/i.exec(text.trim());
    const range = m ? parseRange(m[1] as string) : undefined;
    if (!m || !range || range[0] === 0) {
      ctx.report("invalidExpose", item, joinPath(path, i), "invalid expose entry", { expected: 'a container port like "3000", "3000-3005" or "3000/udp"', got: describe(item) });
      return;
    }
    const protocol = ((m[2] ?? "tcp").toLowerCase()) as ExposeSpec["protocol"];
    for (let port = range[0]; port <= range[1]; port++) out.push({ target: port, protocol });
  });
  return out;
};
