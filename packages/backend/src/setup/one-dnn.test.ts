import { describe, expect, it } from "vitest";
import { oneDnnSetting } from "./one-dnn.js";

describe("oneDnnSetting", () => {
  it("is on by TensorFlow's default on x86-64 and off on arm64", () => {
    expect(oneDnnSetting({}, "x64")).toMatchObject({ on: true, source: "default" });
    expect(oneDnnSetting({}, "arm64")).toMatchObject({ on: false, source: "default" });
  });

  it.each([
    ["0", false],
    ["false", false],
    ["1", true],
    [" TRUE ", true],
  ])("follows TF_ENABLE_ONEDNN_OPTS=%j", (value, on) => {
    const setting = oneDnnSetting({ TF_ENABLE_ONEDNN_OPTS: value }, "arm64");
    expect(setting).toMatchObject({ on, source: "environment" });
    expect(setting.description).toContain(`TF_ENABLE_ONEDNN_OPTS=${on ? 1 : 0}`);
  });

  it("ignores a value TensorFlow would not read as a boolean", () => {
    expect(oneDnnSetting({ TF_ENABLE_ONEDNN_OPTS: "maybe" }, "x64").source).toBe("default");
  });
});
