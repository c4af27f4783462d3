/**
 * Recognises a healthcheck whose whole job is to fetch a local HTTP endpoint or open a local TCP port, so the
 * probe can be the kubelet's own httpGet / tcpSocket instead of a process started in the container every period
 * (a `node -e fetch(…)` costs ~50 MB and ~100 ms of CPU each time). Pure: the healthcheck test in, a description of
 * the endpoint out, or undefined when the test does anything else — that one stays an exec probe.
 *
 * Recognised, in CMD, CMD-SHELL and string forms (a CMD `sh -c "…"` is read as its string):
 * - `curl [-f|--fail] [-s] [-S] [-L] [-k] [-o /dev/null] [-m N] URL`
 * - `wget [-q] [--spider] [-O -|-O /dev/null] [-T N] [--tries=N] [-nv] URL`
 * - `node -e "fetch('URL').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"` and its `.catch(…)` and
 *   `if(!r.ok)process.exit(1)` variants
 * - `nc -z [-v] [-n] [-w N] HOST PORT`
 * where URL / HOST is localhost, 127.0.0.1 or [::1], with no user info, no curl URL globbing; in a shell string
 * only plain and quoted words (no $, backquote, backslash, glob), `>/dev/null`, `2>&1` and a trailing
 * `|| exit N` (N ≠ 0) around them. Headers, auth, other methods, pipes, `&&`, `||` with another command: exec.
 *
 * Status codes (what the tool counts as healthy, against the kubelet's httpGet: 200–399 after following redirects
 * on the same host):
 * - curl -f: < 400, redirects not followed unless -L                → httpGet (same range)
 * - curl without -f: any HTTP answer, even 500                       → tcpSocket (the port accepts)
 * - wget: 2xx after following redirects (fails on ≥ 400)           → httpGet
 * - node fetch r.ok: 200–299 after following redirects              → httpGet (a final 3xx the kubelet counts)
 * - nc -z: the port accepts                                          → tcpSocket (the same check)
 */

export type LocalTool = "curl" | "wget" | "node" | "nc";

export type LocalEndpointCheck =
  | {
      readonly kind: "http";
      readonly tool: LocalTool;
      readonly scheme: "HTTP" | "HTTPS";
      readonly port: number;
      /** Path and query, as the tool sends them. */
      readonly path: string;
      /** The tool's own time limit (curl -m, wget -T), seconds. */
      readonly toolTimeoutSeconds?: number;
    }
  | {
      readonly kind: "tcp";
      readonly tool: LocalTool;
      readonly port: number;
      /** Why a TCP check: "nc -z" checks exactly that; "curl without -f" takes any HTTP answer, even 500. */
      readonly reason: "connect" | "any-http-answer";
      readonly toolTimeoutSeconds?: number;
    };

const LOCAL_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

/** The healthcheck test (["CMD", …] | ["CMD-SHELL", "…"]) → the local endpoint it checks, or undefined. */
export const localEndpointCheck = (test: readonly string[]): LocalEndpointCheck | undefined => {
  const [kind, ...rest] = test;
  if (kind === "CMD") {
    if (rest.length === 3 && /^(?:\/bin\/|\/usr\/bin\/)?(?:sh|bash|ash)$/.test(rest[0] ?? "") && rest[1] === "-c") return fromShell(rest[2] ?? "");
    return fromArgv(rest);
  }
  if (kind === "CMD-SHELL" && rest.length === 1) return fromShell(rest[0] ?? "");
  return undefined;
};

type Token = { readonly word: string } | { readonly op: string };

/** sh words and operators, or undefined for anything this reader does not take literally. */
export const shellTokens = (line: string): readonly Token[] | undefined => {
  const tokens: Token[] = [];
  let word: string | undefined;
  const flush = (): void => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  for (let i = 0; i < line.length; i++) {
    const c = line[i] ?? "";
    if (c === " " || c === "\t") {
      flush();
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      if (end < 0) return undefined;
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === '"') {
      const end = line.indexOf('"', i + 1);
      if (end < 0) return undefined;
      const inner = line.slice(i + 1, end);
      if (/[$`\\]/.test(inner)) return undefined;
      word = (word ?? "") + inner;
      i = end;
    } else if (c === "|" || c === "&" || c === ">" || c === "<" || c === ";") {
      // 2>/dev/null, 1>…, 2>&1: the fd number is part of the operator.
      let op = "";
      if (c === ">" && (word === "1" || word === "2") && line[i - 1] === word) {
        op = word;
        word = undefined;
      }
      flush();
      op += c;
      while (i + 1 < line.length && "|&>".includes(line[i + 1] ?? "") && op.length < 3) op += line[++i];
      if (op === "2>&" || op === "1>&" || op === ">&") {
        if (line[i + 1] !== "1" && line[i + 1] !== "2") return undefined;
        op += line[++i];
      }
      tokens.push({ op });
    } else if (/[$`\\*?[\]{}()~#!\n\r]/.test(c)) {
      return undefined;
    } else {
      word = (word ?? "") + c;
    }
  }
  flush();
  return tokens;
};

/** A shell line: one simple command, redirections to /dev/null, optionally `|| exit N` (N ≠ 0) at the end. */
const fromShell = (line: string): LocalEndpointCheck | undefined => {
  const tokens = shellTokens(line.trim().replace(/;\s*$/, ""));
  if (tokens === undefined) return undefined;
  const argv: string[] = [];
  for (let i = 0; i < tokens.length; i++) {
    const t = tokens[i];
    if (t === undefined) return undefined;
    if ("word" in t) {
      argv.push(t.word);
      continue;
    }
    if (t.op === "2>&1" || t.op === "1>&2" || t.op === ">&2") continue;
    if ([">", "1>", "2>", "&>"].includes(t.op)) {
      const target = tokens[i + 1];
      if (target === undefined || !("word" in target) || target.word !== "/dev/null") return undefined;
      i++;
      continue;
    }
    if (t.op === "||") {
      // Only `|| exit` / `|| exit N` with N ≠ 0 as the whole rest: the same failure, with a status.
      const rest = tokens.slice(i + 1);
      const words = rest.map((r) => ("word" in r ? r.word : undefined));
      if (words[0] !== "exit" || words.length > 2 || words.some((w) => w === undefined)) return undefined;
      if (words.length === 2 && !/^[1-9]\d{0,2}$/.test(words[1] ?? "")) return undefined;
      break;
    }
    return undefined;
  }
  return fromArgv(argv);
};

const fromArgv = (argv: readonly string[]): LocalEndpointCheck | undefined => {
  const [program, ...args] = argv;
  const name = program === undefined ? "" : program.replace(/^(?:\/usr)?(?:\/local)?\/s?bin\//, "");
  if (name === "curl") return curl(args);
  if (name === "wget") return wget(args);
  if (name === "node" || name === "nodejs") return node(args);
  if (name === "nc" || name === "netcat") return nc(args);
  return undefined;
};

/** Short flags that take no value, the ones that take one, long flags (with or without =value). */
interface OptionTable {
  readonly flags: string;
  readonly withValue: string;
  readonly long: Readonly<Record<string, "flag" | "value">>;
}

interface ParsedOptions {
  readonly set: ReadonlyMap<string, string>;
  readonly operands: readonly string[];
}

/** getopt-like: -abc, -oVALUE, -o VALUE, --long, --long=V, --long V; an unknown option → undefined. */
const parseOptions = (args: readonly string[], table: OptionTable): ParsedOptions | undefined => {
  const set = new Map<string, string>();
  const operands: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    if (arg.startsWith("--") && arg.length > 2) {
      const eq = arg.indexOf("=");
      const key = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
      const kind = table.long[key];
      if (kind === undefined) return undefined;
      if (kind === "flag") {
        if (eq >= 0) return undefined;
        set.set(key, "");
      } else if (eq >= 0) {
        set.set(key, arg.slice(eq + 1));
      } else {
        const value = args[++i];
        if (value === undefined) return undefined;
        set.set(key, value);
      }
    } else if (arg.startsWith("-") && arg.length > 1) {
      for (let j = 1; j < arg.length; j++) {
        const letter = arg[j] ?? "";
        if (table.flags.includes(letter)) {
          set.set(letter, "");
        } else if (table.withValue.includes(letter)) {
          const inline = arg.slice(j + 1);
          const value = inline !== "" ? inline : args[++i];
          if (value === undefined) return undefined;
          set.set(letter, value);
          break;
        } else {
          return undefined;
        }
      }
    } else {
      operands.push(arg);
    }
  }
  return { set, operands };
};

const seconds = (value: string | undefined): number | undefined | null => {
  if (value === undefined) return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n > 0 ? n : null;
};

interface LocalUrl {
  readonly scheme: "HTTP" | "HTTPS";
  readonly port: number;
  readonly path: string;
}

/** A URL on this container only: http (https where allowed), a loopback host, no user info. */
const localUrl = (raw: string, opts: { https: boolean }): LocalUrl | undefined => {
  if (/[{}[\]\s]/.test(raw.replace(/^(\w+:\/\/)\[::1\]/, "$1"))) return undefined; // curl URL globbing, spaces
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `http://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return undefined;
  }
  const https = url.protocol === "https:";
  if (url.protocol !== "http:" && !(https && opts.https)) return undefined;
  if (url.username !== "" || url.password !== "" || !LOCAL_HOSTS.has(url.hostname)) return undefined;
  const port = url.port === "" ? (https ? 443 : 80) : Number(url.port);
  return { scheme: https ? "HTTPS" : "HTTP", port, path: `${url.pathname}${url.search}` };
};

const CURL: OptionTable = {
  flags: "fsSLk",
  withValue: "om",
  long: { fail: "flag", "fail-with-body": "flag", silent: "flag", "show-error": "flag", location: "flag", insecure: "flag", output: "value", "max-time": "value" },
};

const curl = (args: readonly string[]): LocalEndpointCheck | undefined => {
  const parsed = parseOptions(args, CURL);
  if (parsed === undefined || parsed.operands.length !== 1) return undefined;
  const output = parsed.set.get("o") ?? parsed.set.get("output");
  if (output !== undefined && output !== "/dev/null") return undefined;
  const timeout = seconds(parsed.set.get("m") ?? parsed.set.get("max-time"));
  if (timeout === null) return undefined;
  const insecure = parsed.set.has("k") || parsed.set.has("insecure");
  // Without -k curl checks the certificate, which the kubelet's HTTPS probe never does: keep those as exec.
  const url = localUrl(parsed.operands[0] ?? "", { https: insecure });
  if (url === undefined) return undefined;
  const fail = parsed.set.has("f") || parsed.set.has("fail") || parsed.set.has("fail-with-body");
  const toolTimeout = timeout === undefined ? {} : { toolTimeoutSeconds: timeout };
  if (!fail) return { kind: "tcp", tool: "curl", port: url.port, reason: "any-http-answer", ...toolTimeout };
  return { kind: "http", tool: "curl", ...url, ...toolTimeout };
};

const WGET: OptionTable = {
  flags: "q",
  withValue: "OTt",
  long: { quiet: "flag", spider: "flag", "no-verbose": "flag", "output-document": "value", timeout: "value", tries: "value" },
};

const wget = (args: readonly string[]): LocalEndpointCheck | undefined => {
  // -nv is GNU wget's short --no-verbose (two letters after one dash).
  const parsed = parseOptions(
    args.map((a) => (a === "-nv" ? "--no-verbose" : a)),
    WGET,
  );
  if (parsed === undefined || parsed.operands.length !== 1) return undefined;
  const output = parsed.set.get("O") ?? parsed.set.get("output-document");
  if (output !== undefined && output !== "-" && output !== "/dev/null") return undefined;
  const timeout = seconds(parsed.set.get("T") ?? parsed.set.get("timeout"));
  if (timeout === null) return undefined;
  const url = localUrl(parsed.operands[0] ?? "", { https: false });
  if (url === undefined) return undefined;
  return { kind: "http", tool: "wget", ...url, ...(timeout === undefined ? {} : { toolTimeoutSeconds: timeout }) };
};

/** fetch('URL').then(r=>process.exit(r.ok?0:1)[,()=>process.exit(1)])[.catch(()=>process.exit(1))], spaces ignored. */
const FETCH_OK =
  /^fetch\((['"`])([^'"`]+)\1\)\.then\(\(?([A-Za-z_$][\w$]*)\)?=>(?:process\.exit\(\3\.ok\?0:1\)|\{process\.exit\(\3\.ok\?0:1\);?\}|\{if\(!\3\.ok\)process\.exit\(1\);?\})(?:,\(\w*\)=>(?:process\.exit\(1\)|\{process\.exit\(1\);?\}))?\)(?:\.catch\(\(\w*\)=>(?:process\.exit\(1\)|\{process\.exit\(1\);?\})\))?;?$/;

const node = (args: readonly string[]): LocalEndpointCheck | undefined => {
  if (args.length !== 2 || (args[0] !== "-e" && args[0] !== "--eval")) return undefined;
  const match = FETCH_OK.exec((args[1] ?? "").replace(/\s+/g, ""));
  if (match === null) return undefined;
  const url = localUrl(match[2] ?? "", { https: false });
  if (url === undefined || !/^https?:\/\//.test(match[2] ?? "")) return undefined;
  return { kind: "http", tool: "node", ...url };
};

const NC: OptionTable = { flags: "zvn", withValue: "w", long: {} };

const nc = (args: readonly string[]): LocalEndpointCheck | undefined => {
  const parsed = parseOptions(args, NC);
  if (parsed === undefined || !parsed.set.has("z") || parsed.operands.length !== 2) return undefined;
  const [host, portText] = parsed.operands;
  if (host === undefined || !LOCAL_HOSTS.has(host) || !/^\d{1,5}$/.test(portText ?? "")) return undefined;
  const port = Number(portText);
  if (port < 1 || port > 65535) return undefined;
  const timeout = seconds(parsed.set.get("w"));
  if (timeout === null) return undefined;
  return { kind: "tcp", tool: "nc", port, reason: "connect", ...(timeout === undefined ? {} : { toolTimeoutSeconds: timeout }) };
};
