/**
 * client-node errors reworded at the edge: "apply Deployment web in namespace shop-dev1: 422 spec.template…:
 * Required value", conflicts naming the other field manager, connection failures as "cannot reach the cluster".
 * Never the raw ApiException with headers and body.
 */
import { ClusterError } from "../ports/cluster.js";

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { name?: string; group?: string; kind?: string; causes?: { field?: string; message?: string; reason?: string }[] };
}

/** What a 403 says was refused: `User "u" cannot patch resource "namespaces" in API group "" in the namespace "ns"`. */
export interface Forbidden {
  readonly user?: string;
  readonly verb: string;
  readonly resource: string;
  readonly group: string;
  /** Absent: refused at cluster scope. */
  readonly namespace?: string;
}

export const parseForbidden = (message: string): Forbidden | undefined => {
  const m = /(?:User "([^"]*)" )?cannot (\S+) resource "([^"]+)" in API group "([^"]*)"(?: in the namespace "([^"]+)"| at the cluster scope)?/.exec(message);
  if (!m) return undefined;
  return { ...(m[1] === undefined ? {} : { user: m[1] }), verb: m[2] ?? "", resource: m[3] ?? "", group: m[4] ?? "", ...(m[5] === undefined ? {} : { namespace: m[5] }) };
};

/** The rights that would fix a refusal, as an RBAC rule a Role (namespace) or ClusterRole (cluster scope) can hold. */
export const forbiddenFix = (f: Forbidden): string =>
  `${f.namespace === undefined ? "a ClusterRole(Binding)" : `a Role + RoleBinding in namespace ${f.namespace}`} with {apiGroups: ["${f.group}"], resources: ["${f.resource}"], verbs: ["${f.verb}"]} for ${f.user ?? "this identity"}`;

const forbiddenLine = (what: string, body: StatusBody | undefined): string => {
  const f = parseForbidden(body?.message ?? "");
  if (!f) return `${what}: 403 forbidden: ${body?.message ?? "no details"}`;
  const resource = f.group === "" ? f.resource : `${f.resource}.${f.group}`;
  const scope = f.namespace === undefined ? "at cluster scope" : `in namespace ${f.namespace}`;
  return `${what}: forbidden: ${f.user ?? "this identity"} may not ${f.verb} ${resource} ${scope}; it needs ${forbiddenFix(f)} (docs/team-clusters.md), or use a namespace it may use (devloop ns list)`;
};

const parseBody = (body: unknown): StatusBody | undefined => {
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body.slice(0, 300) };
    }
  }
  return body !== null && typeof body === "object" ? (body) : undefined;
};

const transientCodes = ["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EPIPE", "socket hang up", "UND_ERR", "other side closed"];

export const isConnectionError = (error: unknown): boolean => {
  const str = (v: unknown): string => (typeof v === "string" || typeof v === "number" ? String(v) : "");
  const text = `${str((error as { code?: unknown }).code)} ${error instanceof Error ? error.message : String(error)} ${str((error as { cause?: { code?: unknown } }).cause?.code)}`;
  return transientCodes.some((c) => text.includes(c)) || /fetch failed|network/i.test(text);
};

export const statusCode = (error: unknown): number | undefined => {
  const code = (error as { code?: unknown }).code;
  return typeof code === "number" ? code : undefined;
};

/** "apply Deployment web in namespace dev" + the error → a ClusterError with one readable line. */
export const rewordKubeError = (what: string, error: unknown, server?: string): ClusterError => {
  if (error instanceof ClusterError) return error;
  const code = statusCode(error);
  if (code === undefined) {
    const raw = error instanceof Error ? error.message : String(error);
    const causeCode = (error as { cause?: { code?: string } }).cause?.code;
    const reason = causeCode ?? raw.replace(/^request to \S+ failed, reason: /, "");
    if (isConnectionError(error)) return new ClusterError(`${what}: cannot reach the cluster${server ? ` at ${server}` : ""}: ${reason}`, true);
    return new ClusterError(`${what}: ${raw}`, false);
  }
  const body = parseBody((error as { body?: unknown }).body);
  const causes = body?.details?.causes ?? [];
  if (code === 409 && body?.reason === "Conflict" && causes.length > 0) {
    const fields = causes.map((c) => `${c.field ?? "?"} (${c.message ?? "conflict"})`).join("; ");
    return new ClusterError(`${what}: 409 conflict: another field manager owns ${fields}; remove that manager's changes (e.g. undo a kubectl edit) or delete the object`, false, code);
  }
  if (code === 403) return new ClusterError(forbiddenLine(what, body), false, code);
  const detail = causes.length > 0 ? causes.map((c) => `${c.field ? `${c.field}: ` : ""}${c.message ?? c.reason ?? ""}`).join("; ") : (body?.message ?? "no details");
  return new ClusterError(`${what}: ${code} ${detail}`, code >= 500 || code === 429, code);
};
