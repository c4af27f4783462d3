#!/usr/bin/env node
// The CLI runs from TypeScript source through tsx's loader: no build step between an edit and a run.
import { register } from "tsx/esm/api";

register();
await import("../cli/src/main.ts");
