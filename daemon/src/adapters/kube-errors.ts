/**
 * client-node errors reworded at the edge: "apply Deployment web in namespace shop-dev1: 422 spec.template…:
 * Required value", conflicts naming the other field manager, connection failures as "cannot reach the cluster".
 * Never the raw ApiException with headers and body.
 */
import { ClusterError } from "../ports/cluster.js";

interface StatusBody {
  message?: string;
  reason?: string;
  details?: { causes?: { field?: string; message?: string; reason?: string }[] };
}

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
  const detail = causes.length > 0 ? causes.map((c) => `${c.field ? `${c.field}: ` : ""}${c.message ?? c.reason ?? ""}`).join("; ") : (body?.message ?? "no details");
  return new ClusterError(`${what}: ${code} ${detail}`, code >= 500 || code === 429, code);
};
