#!/usr/bin/env node
// Runs devloop as JavaScript bundled from the clone's TypeScript sources and cached outside it, rebuilt when a
// source changes (bin/run-time-build.js), so an edit runs without a build step to remember. If the build fails,
// the sources run through tsx's loader instead (said once on stderr). DEVLOOP_FROM_SOURCE=1 always uses tsx.
import { fileURLToPath, pathToFileURL } from "node:url";
import { resolveBundle } from "./run-time-build.js";

const root = fileURLToPath(new URL("../", import.meta.url));
const bundle = process.env.DEVLOOP_FROM_SOURCE === "1" ? undefined : await resolveBundle({ root });
if (bundle && "entry" in bundle) {
  process.setSourceMapsEnabled(true);
  await import(pathToFileURL(bundle.entry).href);
} else {
  if (bundle && !bundle.reported) {
    process.stderr.write(`devloop: could not build the run-time bundle, running from the TypeScript sources through tsx (slower start): ${bundle.error}\n`);
  }
  const { register } = await import("tsx/esm/api");
  register();
  await import("../cli/src/main.ts");
}
