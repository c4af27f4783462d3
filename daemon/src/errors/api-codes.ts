/**
 * The codes of the daemon's HTTP API errors (server/api-error.ts ApiRequestError): the HTTP status each answers
 * with and its reason, the short name the API sent as `code` before these codes and still sends beside them.
 * docs/errors.md lists them (scripts/gen-errors-doc.ts).
 */
import type { ErrorCodeInfo } from "./devloop-error.js";

export interface ApiCodeInfo extends ErrorCodeInfo {
  readonly status: number;
  /** A short name of the code ("unknown-project"), sent as the error's `reason`. */
  readonly reason: string;
}

const a = (code: string, status: number, reason: string, title: string): ApiCodeInfo => ({ code, severity: "error", status, reason, title });

export const ApiCodes = {
  badRequest: a("DL-API-001", 400, "bad-request", "the request's body is not what the route takes (not JSON, or a field of the wrong shape); the message says what it expected"),
  badNamespace: a("DL-API-002", 400, "bad-namespace", "`devloop ns use` named something that is not a Kubernetes namespace name (lowercase letters, digits and '-', at most 63)"),
  badProfiles: a("DL-API-003", 400, "bad-profiles", "a profile switch (the dashboard's profiles) sent something other than a list of profile names"),
  unknownService: a("DL-API-004", 400, "unknown-service", "`devloop restart | resync | rebuild` named a service the project does not have; the message lists its services"),
  kubeContext: a("DL-API-005", 400, "kube-context", "the caller's kubeconfig or kube context cannot be used (no such file or context, or it does not parse)"),
  unauthorized: a("DL-API-006", 401, "unauthorized", "the request carries neither the daemon's token nor a session cookie: the CLI sends the token from the state directory, a browser signs in through the link `devloop up` prints"),
  forbiddenHost: a("DL-API-007", 403, "forbidden-host", "the Host header names neither localhost nor 127.0.0.1: the daemon answers local names only, so a web page cannot reach it by rebinding its DNS"),
  forbiddenOrigin: a("DL-API-008", 403, "forbidden-origin", "a cross-site request: its Origin or Sec-Fetch-Site says another page sent it ([dashboard.md](dashboard.md))"),
  tokenRequired: a("DL-API-009", 403, "token-required", "a sign-in link was asked for without the token: a signed-in page cannot mint more"),
  contextNotAllowed: a("DL-API-010", 403, "context-not-allowed", "`devloop up` to a kube context that is not a known local cluster and that nothing allows (DEVLOOP_ALLOWED_CONTEXTS, `x-devloop.allowed_contexts`, `up --allow-context`)"),
  namespaceForbidden: a("DL-API-011", 403, "forbidden", "the kube identity lacks rights that up, sync, logs and port-forwards need in the namespace (`up -n`, `ns use`); the message names the missing verbs"),
  unknownProject: a("DL-API-012", 404, "unknown-project", "the daemon runs no project of that name (or it has not loaded yet); `devloop up` first, or `down -n NAMESPACE` to clean a namespace anyway"),
  contextMismatch: a("DL-API-013", 409, "context-mismatch", "`devloop up --context` named another kube context than the one the daemon was started for"),
  projectStopping: a("DL-API-014", 409, "project-stopping", "a restart, resync or rebuild of a project that is going down"),
  projectNotLoaded: a("DL-API-015", 409, "project-not-loaded", "a restart, resync or rebuild of a project that has not loaded yet, or whose files are invalid (`devloop validate`)"),
  tooLarge: a("DL-API-016", 413, "too-large", "the request's body is larger than the daemon takes (2 MB)"),
  internal: a("DL-API-017", 500, "internal", "the daemon failed a request for a reason of its own (a bug); the daemon's log has the message"),
  clusterError: a("DL-API-018", 502, "cluster-error", "the cluster failed a call the request needed (`down -n` of a namespace the daemon does not run, `ns list`); the message is the cluster's"),
  loadTimeout: a("DL-API-019", 504, "load-timeout", "`devloop up`: the project's load did not finish within 180 s"),
  downTimeout: a("DL-API-020", 504, "down-timeout", "`devloop down` did not finish within 3 minutes; the hint says so when the cluster is unreachable"),
} as const satisfies Record<string, ApiCodeInfo>;

export const apiCodes: readonly ApiCodeInfo[] = Object.values(ApiCodes);
