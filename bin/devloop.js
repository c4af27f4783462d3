#!/usr/bin/env node
// An installed package (no cli/src beside bin/) runs dist/main.mjs, the JavaScript that `npm pack` built
// (scripts/build-dist.ts, the prepack script): nothing is compiled at run time.
// A clone runs JavaScript bundled from its TypeScript sources and cached outside it, rebuilt when a source changes
// (bin/run-time-build.js), so an edit runs without a build step to remember — also when a pack left a dist/ behind.
// If that build fails, the sources run through tsx's loader instead (said once on stderr). DEVLOOP_FROM_SOURCE=1
// always uses tsx.
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
// DEVLOOP_WORKER_ENTRY names the module run, so the daemon starts its worker threads from the same build
// (daemon/src/adapters/isolated-project-loader.ts); unset when the sources run through tsx.
delete process.env.DEVLOOP_WORKER_ENTRY;
if (!existsSync(new URL("../cli/src/main.ts", import.meta.url))) {
  process.env.DEVLOOP_WORKER_ENTRY = `${root}dist/main.mjs`;
  await import(pathToFileURL(`${root}dist/main.mjs`).href);
} else {
  const { resolveBundle } = await import("./run-time-build.js");
  const bundle = process.env.DEVLOOP_FROM_SOURCE === "1" ? undefined : await resolveBundle({ root });
  if (bundle && "entry" in bundle) {
    process.setSourceMapsEnabled(true);
    process.env.DEVLOOP_WORKER_ENTRY = bundle.entry;
    await import(pathToFileURL(bundle.entry).href);
  } else {
    if (bundle && !bundle.reported) {
      process.stderr.write(`devloop: could not build the run-time bundle, running from the TypeScript sources through tsx (slower start): ${bundle.error}\n`);
    }
    const { register } = await import("tsx/esm/api");
    register();
    await import("../cli/src/main.ts");
  }
}
