// Rewords an ApiException from the apiserver into one readable line (client-node's own message dumps headers and
// the raw body). For a server-side-apply conflict it names each contested field and the manager that owns it.
export interface ApiFailure {
  readonly code: number | undefined;
  readonly reason: string | undefined;
  readonly message: string;
  readonly conflicts: ReadonlyArray<{ readonly field: string; readonly manager: string }>;
}

interface StatusBody {
  reason?: string;
  message?: string;
  details?: { causes?: Array<{ reason?: string; message?: string; field?: string }> };
}

function parseBody(body: unknown): StatusBody | undefined {
  if (typeof body === "string") {
    try {
      return JSON.parse(body) as StatusBody;
    } catch {
      return { message: body };
    }
  }
  if (typeof body === "object" && body !== null) return body;
  return undefined;
}

export function parseApiFailure(err: unknown): ApiFailure {
  const e = (typeof err === "object" && err !== null ? err : {}) as { code?: unknown; body?: unknown; message?: unknown };
  const status = parseBody(e.body);
  const code = typeof e.code === "number" ? e.code : undefined;
  const conflicts = (status?.details?.causes ?? [])
    .filter((c) => c.reason === "FieldManagerConflict")
    .map((c) => ({
      field: c.field ?? "?",
      // message looks like: conflict with "other-manager" using v1
      manager: /conflict with "([^"]+)"/.exec(c.message ?? "")?.[1] ?? c.message ?? "?",
    }));
  const message = status?.message ?? (typeof e.message === "string" ? e.message.split("\n")[0] ?? "" : String(err));
  return { code, reason: status?.reason, message, conflicts };
}

/** e.g. `apply ConfigMap ns/settings: 409 Conflict: .data.color is owned by "other" (apply with force to take it over)` */
export function describeApiFailure(action: string, err: unknown): string {
  const f = parseApiFailure(err);
  if (f.conflicts.length > 0) {
    const owned = f.conflicts.map((c) => `${c.field} is owned by "${c.manager}"`).join(", ");
    return `${action}: ${f.code ?? "?"} Conflict: ${owned} (apply with force to take it over)`;
  }
  return `${action}: ${f.code ?? "?"} ${f.reason ?? ""}: ${f.message}`.replace(/\s+/g, " ").trim();
}
