/**
 * Issue 2's figure: load + translate of a generated 500-service compose file, median over repeated runs,
 * against a bare `yaml` parse of the same text in the same process (the floor any loader pays).
 */
import { LineCounter, parse, parseAllDocuments } from "yaml";
import { loadProject } from "../daemon/src/compose/index.js";
import type { ComposeFileSystem } from "../daemon/src/compose/types.js";
import { toManifests } from "../daemon/src/translate/index.js";
import { fmt, median, timeMs } from "./stats.js";

export const generateCompose = (services: number): string => {
  const lines: string[] = ["name: bench", "x-common: &common", "  restart: unless-stopped", "  labels:", "    team: bench", "services:"];
  for (let i = 0; i < services; i++) {
    const dep = i > 0 ? `svc-${i - 1}` : undefined;
    lines.push(
      `  svc-${i}:`,
      "    <<: *common",
      i % 3 === 0 ? `    build: { context: ./svc-${i}, args: { BASE: "\${BASE_IMAGE:-node:20.18-bookworm-slim}" } }` : `    image: "registry.local/svc-${i}:\${TAG:-1.0.${i}}"`,
      "    ports:",
      `      - "${10000 + i}:8080"`,
      `      - "127.0.0.1:${20000 + i}:9090/udp"`,
      "    environment:",
      `      SERVICE_NAME: svc-${i}`,
      "      LOG_LEVEL: ${LOG_LEVEL:-info}",
      "      FEATURE_FLAGS: a,b,c",
      "    volumes:",
      `      - data-${i % 50}:/var/lib/data`,
      "      - type: tmpfs",
      "        target: /tmp",
      "    healthcheck:",
      '      test: ["CMD", "wget", "-qO-", "http://127.0.0.1:8080/healthz"]',
      "      interval: 5s",
      "      timeout: 2s",
      "      retries: 3",
      "    deploy:",
      "      resources:",
      '        limits: { cpus: "0.5", memory: 256M }',
      ...(dep ? ["    depends_on:", `      ${dep}:`, "        condition: service_started"] : []),
    );
  }
  lines.push("volumes:");
  for (let v = 0; v < 50; v++) lines.push(`  data-${v}: {}`);
  return `${lines.join("\n")}\n`;
};

export interface ComposeLoadResult {
  readonly services: number;
  readonly runs: number;
  readonly bareParseMs: number;
  /** parseAllDocuments with a LineCounter, no toJS: the call the loader itself makes (its parse floor). */
  readonly documentParseMs: number;
  readonly loadTranslateMs: number;
  readonly ratio: number;
  readonly documentRatio: number;
  /** The same medians in CPU time (user + system) of this process: less sensitive to other load on a shared machine. */
  readonly cpu: { readonly bareParseMs: number; readonly documentParseMs: number; readonly loadTranslateMs: number };
}

/** Wall and CPU milliseconds of one call (the benchmark is single-threaded, so CPU time is this work's). */
const timeBoth = (fn: () => void): { wall: number; cpu: number } => {
  const cpu = process.cpuUsage();
  const wall = timeMs(fn);
  const used = process.cpuUsage(cpu);
  return { wall, cpu: (used.user + used.system) / 1000 };
};

export const benchComposeLoad = (services = 500, runs = 15): ComposeLoadResult => {
  const text = generateCompose(services);
  const file = "/bench/compose.yml";
  const fs: ComposeFileSystem = {
    readFile: (path) => (path === file ? text : undefined),
    exists: (path) => path === file,
  };
  const run = (): void => {
    const result = loadProject(
      { files: [file], profiles: [], envFiles: [], services: [], environment: {}, cwd: "/bench" },
      fs,
    );
    if (!result.ok) throw new Error(`bench compose file did not load: ${result.diagnostics[0]?.message ?? "?"}`);
    toManifests(result.project, { namespace: "bench" });
  };
  const documents = (): void => {
    parseAllDocuments(text, { lineCounter: new LineCounter(), uniqueKeys: true, strict: false });
  };
  // Warm up every path so JIT compilation is not measured.
  for (let i = 0; i < 3; i++) {
    parse(text, { maxAliasCount: -1 });
    documents();
    run();
  }
  const bare: { wall: number; cpu: number }[] = [];
  const doc: { wall: number; cpu: number }[] = [];
  const full: { wall: number; cpu: number }[] = [];
  // Interleaved, so a burst of load on a shared machine hits all three alike.
  for (let i = 0; i < runs; i++) {
    bare.push(
      timeBoth(() => {
        parse(text, { maxAliasCount: -1 });
      }),
    );
    doc.push(timeBoth(documents));
    full.push(timeBoth(run));
  }
  const wall = (xs: { wall: number }[]): number => median(xs.map((x) => x.wall));
  const cpu = (xs: { cpu: number }[]): number => median(xs.map((x) => x.cpu));
  const bareParseMs = wall(bare);
  const documentParseMs = wall(doc);
  const loadTranslateMs = wall(full);
  return {
    services,
    runs,
    bareParseMs,
    documentParseMs,
    loadTranslateMs,
    ratio: loadTranslateMs / bareParseMs,
    documentRatio: loadTranslateMs / documentParseMs,
    cpu: { bareParseMs: cpu(bare), documentParseMs: cpu(doc), loadTranslateMs: cpu(full) },
  };
};

export const formatComposeLoad = (r: ComposeLoadResult): string =>
  [
    `| ${r.services}-service compose file, ${r.runs} runs | median wall | median CPU |`,
    "| --- | --- | --- |",
    `| bare yaml parse: yaml.parse (baseline) | ${fmt(r.bareParseMs)} | ${fmt(r.cpu.bareParseMs)} |`,
    `| yaml parseAllDocuments + LineCounter, no toJS (the loader's own parse call) | ${fmt(r.documentParseMs)} | ${fmt(r.cpu.documentParseMs)} |`,
    `| loadProject + toManifests | ${fmt(r.loadTranslateMs)} | ${fmt(r.cpu.loadTranslateMs)} |`,
    `| ratio to yaml.parse | ${r.ratio.toFixed(2)}× | ${(r.cpu.loadTranslateMs / r.cpu.bareParseMs).toFixed(2)}× |`,
    `| ratio to parseAllDocuments | ${r.documentRatio.toFixed(2)}× | ${(r.cpu.loadTranslateMs / r.cpu.documentParseMs).toFixed(2)}× |`,
  ].join("\n");
