import { defineConfig } from "vitest/config";

export const unitTestFiles = ["daemon/src/**/*.test.ts", "cli/src/**/*.test.ts", "scripts/**/*.test.ts", "bench/**/*.test.ts"];

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: unitTestFiles,
          environment: "node",
        },
      },
      {
        test: {
          name: "integration",
          include: ["daemon/test/integration/**/*.integ.test.ts"],
          environment: "node",
          testTimeout: 180_000,
          hookTimeout: 300_000,
          pool: "forks",
          poolOptions: { forks: { singleFork: true } },
        },
      },
    ],
  },
});
