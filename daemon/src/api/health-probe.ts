/**
 * One GET /api/health on 127.0.0.1:port with the token, as the CLI and a starting daemon ask it: what the daemon
 * answered (its pid, undefined when it names none), or undefined when nothing answered OK within timeoutMs.
 */
export const probeHealth = async (port: number, token: string | undefined, timeoutMs: number): Promise<{ readonly pid: unknown } | undefined> => {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/api/health`, {
      headers: token === undefined ? {} : { Authorization: `Bearer ${token}` },
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!res.ok) return undefined;
    const body = (await res.json()) as { pid?: unknown };
    return { pid: body.pid };
  } catch {
    return undefined;
  }
};
