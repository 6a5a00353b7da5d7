import { defineProject } from "vitest/config";

export default defineProject({
  resolve: { conditions: ["@trainkit/source"] },
  ssr: { resolve: { conditions: ["@trainkit/source"] } },
  test: {
    name: "tensor-layout",
    include: ["src/**/*.test.ts", "test/**/*.test.ts"],
    setupFiles: ["test/setup-tf.ts"],
    testTimeout: 120_000,
  },
});
