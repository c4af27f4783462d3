/** Compose duration strings (Go syntax: "1m30s", "500ms") and byte sizes ("256M", "1gb", 1024). */

const DURATION_UNITS: Readonly<Record<string, number>> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, "μs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds, or undefined when the text is not a duration. */
export const parseDuration = (text: string): number | undefined => {
  const s = text.trim();
  if (s === "0") return 0;
  if (s === "") return undefined;
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h)/gy;
  let total = 0;
  let at = 0;
  for (;;) {
    re.lastIndex = at;
    const m = re.exec(s);
    if (!m) break;
    total += Number(m[1]) * (DURATION_UNITS[m[2] as string] as number);
    at = re.lastIndex;
  }
  return at === s.length && at > 0 ? total : undefined;
};

const BYTE_UNITS: Readonly<Record<string, number>> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Whether a size is a whole number of bytes (1.5, "1.5b" and "0.3k" are not; "1.5m" is). */
export const isWholeBytes = (value: string | number): boolean => {
  if (typeof value === "number") return Number.isInteger(value);
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(value.trim());
  return m === null || Number.isInteger(Number(m[1]) * (BYTE_UNITS[(m[2] ?? "").toLowerCase()] as number));
};

/** Bytes, or undefined when the value is not a size. */
export const parseBytes = (value: string | number): number | undefined => {
  if (typeof value === "number") return Number.isFinite(value) && value >= 0 ? value : undefined;
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)(?:i?b)?$/i.exec(value.trim());
  if (!m) return undefined;
  return Math.round(Number(m[1]) * (BYTE_UNITS[(m[2] ?? "").toLowerCase()] as number));
};
