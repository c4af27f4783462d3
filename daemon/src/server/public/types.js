// JSDoc names for the API types the page reads (checked by tsconfig.json; nothing runs here).
/** @typedef {import("../../api/types.js").StateSnapshot} StateSnapshot */
/** @typedef {import("../../api/types.js").PublicProject} PublicProject */
/** @typedef {import("../../api/types.js").PublicService} PublicService */
/** @typedef {import("../../api/types.js").PublicEvent} PublicEvent */
/** @typedef {import("../../api/types.js").PublicCluster} PublicCluster */
/** @typedef {import("../../api/types.js").NamespaceInfo} NamespaceInfo */
/** @typedef {import("../../api/types.js").LiveActionKind} LiveActionKind */
/** @typedef {import("../../api/types.js").LiveActionResponse} LiveActionResponse */
/** @typedef {import("../../engine/timeline.js").TimelineChange} TimelineChange */
/** @typedef {import("../routes/diagnostics.js").DiagnosticWithSource} DiagnosticWithSource */
/** @typedef {import("../routes/translation.js").TranslationView} TranslationView */
/** @typedef {import("../routes/profiles.js").ProfilesView} ProfilesView */
/** @typedef {{ time: number, service: string, level: "debug" | "info" | "warn" | "error", line: string, source: string }} LogEntry */
export {};
