/**
 * The healthcheck an image brings: the HEALTHCHECK of the stage a build produces (its target, else the last
 * stage), or of the stages it is built FROM. Compose runs it when the service's own healthcheck leaves `test`
 * out or has no healthcheck at all, and lets the service's fields override the image's (interval, retries…).
 * A base image pulled from a registry may carry a HEALTHCHECK too; that one is not known without the image,
 * so only the Dockerfile is read (the same in `devloop render` and in `up`).
 */
import { parseDuration } from "../compose/units.js";
import type { HealthcheckSpec } from "../compose/types.js";
import { parseDockerfile, parseJsonArray } from "../image/dockerfile/parse-dockerfile.js";
import { lastInChain, resolveStages, stageChain } from "../image/dockerfile/stages.js";

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

const OPTIONS = { interval: "interval", timeout: "timeout", "start-period": "startPeriod", "start-interval": "startInterval" } as const;

/** HEALTHCHECK [--interval=…] [--timeout=…] [--start-period=…] [--start-interval=…] [--retries=N] CMD … | NONE. */
export const parseHealthcheckInstruction = (flags: Readonly<Record<string, string>>, body: string): HealthcheckSpec | undefined => {
  const words = body.trim();
  if (/^none$/i.test(words)) return { test: ["NONE"], disable: true };
  const cmd = /^cmd\s+/i.exec(words);
  if (!cmd) return undefined;
  const rest = words.slice(cmd[0].length);
  const exec = parseJsonArray(rest);
  const spec: Mutable<HealthcheckSpec> = { test: exec !== undefined && exec.length > 0 ? ["CMD", ...exec] : ["CMD-SHELL", rest], disable: false };
  for (const [flag, key] of Object.entries(OPTIONS)) {
    const value = flags[flag];
    const ms = value === undefined ? undefined : parseDuration(value);
    if (ms !== undefined) spec[key] = ms;
  }
  const retries = flags["retries"] === undefined ? Number.NaN : Number(flags["retries"]);
  if (Number.isInteger(retries) && retries >= 0) spec.retries = retries;
  return spec;
};

/** The HEALTHCHECK the built image ends with, or undefined when its stages set none. */
export const dockerfileHealthcheck = (text: string, buildArgs: Readonly<Record<string, string>>, target?: string): HealthcheckSpec | undefined => {
  const graph = resolveStages(parseDockerfile(text), { buildArgs, ...(target === undefined ? {} : { target }) });
  if (graph.final === undefined) return undefined;
  const instruction = lastInChain(stageChain(graph, graph.final), "HEALTHCHECK");
  if (instruction === undefined) return undefined;
  // The parser splits the leading --flags off; the body is then "CMD …" or "NONE".
  return parseHealthcheckInstruction(instruction.flags, instruction.body);
};

/**
 * Compose's rule: the service's healthcheck over the image's. `disable: true` (or test NONE) turns the image's off;
 * a service healthcheck without `test` keeps the image's test and overrides the fields it sets.
 */
export const effectiveHealthcheck = (service: HealthcheckSpec | undefined, image: HealthcheckSpec | undefined): HealthcheckSpec | undefined => {
  if (service === undefined) return image;
  if (service.disable || service.test.length > 0 || image === undefined) return service;
  const merged: Mutable<HealthcheckSpec> = { ...image, ...definedFields(service), test: image.test, disable: image.disable };
  return merged;
};

const definedFields = (spec: HealthcheckSpec): Partial<HealthcheckSpec> =>
  Object.fromEntries(Object.entries(spec).filter(([key, value]) => value !== undefined && key !== "test" && key !== "disable"));
