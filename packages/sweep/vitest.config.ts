import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@trainkit/source"] },
  ssr: { resolve: { conditions: ["@trainkit/source"] } },
  test: {
    name: "sweep",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    testTimeout: 30_000,
  },
});
