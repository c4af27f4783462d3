/** `npx tsx bench/sync-main.ts [edits]`: the sync benchmarks alone (the same function bench/run.ts can call). */
import { benchSync, formatSyncBench } from "./sync-exec.js";

const edits = Number(process.argv[2] ?? 30);
process.stdout.write(`${formatSyncBench(await benchSync(edits))}\n`);
