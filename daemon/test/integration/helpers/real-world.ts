/** The projects under fixtures/real-world/, copied to a temp directory so a test can edit them like a developer. */
import { createHash } from "node:crypto";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const fixtures = fileURLToPath(new URL("../../../../fixtures/real-world/", import.meta.url));

export interface RealWorldCopy {
  readonly dir: string;
  file(rel: string): string;
  read(rel: string): string;
  write(rel: string, text: string): void;
  remove(): void;
}

export const realWorldCopy = (name: string): RealWorldCopy => {
  const dir = mkdtempSync(join(tmpdir(), `devloop-it-${name}-`));
  cpSync(join(fixtures, name), dir, { recursive: true });
  const file = (rel: string): string => join(dir, rel);
  return {
    dir,
    file,
    read: (rel) => readFileSync(file(rel), "utf8"),
    write: (rel, text) => writeFileSync(file(rel), text),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
};

/** GETs `url` until the body satisfies `pred`; returns the body, or throws with the last answer. */
export const fetchUntil = async (url: string, pred: (body: string) => boolean, timeoutMs: number, what: string): Promise<string> => {
  const until = Date.now() + timeoutMs;
  let last = "(no answer)";
  while (Date.now() < until) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(3_000) });
      last = `${res.status} ${await res.text()}`;
      if (res.ok && pred(last.slice(4))) return last.slice(4);
    } catch (error) {
      last = String(error);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; last answer: ${last}`);
};

/** Every regular file under `root` (relative path → sha256), not descending into the top-level directories in `skip`. */
export const localTreeHashes = (root: string, skip: readonly string[] = []): Map<string, string> => {
  const out = new Map<string, string>();
  const walk = (rel: string): void => {
    for (const name of readdirSync(join(root, rel))) {
      const r = rel === "" ? name : `${rel}/${name}`;
      if (skip.includes(r)) continue;
      if (statSync(join(root, r)).isDirectory()) walk(r);
      else out.set(r, createHash("sha256").update(readFileSync(join(root, r))).digest("hex"));
    }
  };
  walk("");
  return out;
};
