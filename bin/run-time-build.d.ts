// Types of bin/run-time-build.js (plain JavaScript, as bin/ runs before anything is compiled) for TypeScript callers.
export declare const SOURCE_DIRS: readonly string[];
export declare const ENTRY: string;
export declare const defaultCacheDir: (env?: NodeJS.ProcessEnv) => string;
export declare const importedNames: (code: string, pkg: string) => string[];
export declare const fingerprint: (root: string) => string;
export declare const buildBundle: (params: { root: string; outDir: string }) => Promise<{ inputs: string[] }>;
export declare const resolveBundle: (params: {
  root: string;
  cacheDir?: string;
}) => Promise<{ entry: string; fingerprint: string; built: boolean } | { error: string; fingerprint: string; reported: boolean }>;
export declare const sourceLocations: (options?: { outDir?: string }) => import("esbuild").Plugin;
export declare const CLI_BUNDLE_OPTIONS: Pick<import("esbuild").BuildOptions, "entryPoints" | "outExtension" | "bundle" | "splitting" | "platform" | "format" | "target">;
export declare const REQUIRE_BANNER: string;
export declare const nativeAddons: import("esbuild").Plugin;
