import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    projects: [
      "packages/*",
      "apps/*",
      {
        // test/: checks across packages, run from the root (`vitest run --project package-boundaries`).
        test: {
          name: "package-boundaries",
          include: ["test/**/*.test.ts"],
          testTimeout: 180_000,
        },
      },
    ],
  },
});
