/** Writes docs/compose-support.md from the translator's support table (npm run docs:support). */
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { renderSupportDoc } from "../daemon/src/translate/support-doc.js";

export const SUPPORT_DOC_PATH = fileURLToPath(new URL("../docs/compose-support.md", import.meta.url));

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  writeFileSync(SUPPORT_DOC_PATH, renderSupportDoc());
  process.stdout.write(`wrote ${SUPPORT_DOC_PATH}\n`);
}
