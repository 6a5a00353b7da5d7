import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@trainkit/source"] },
  ssr: { resolve: { conditions: ["@trainkit/source"] } },
  test: {
    name: "demo",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    // No row cache under the user's cache folder: every test renders its rows (the cache has its
    // own tests, in folders of their own).
    env: { TRAINKIT_ROW_CACHE: "0" },
  },
});
