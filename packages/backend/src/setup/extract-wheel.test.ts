import { existsSync, readFileSync, statSync, truncateSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tensorflowLikeFiles, writeWheel } from "../../test/support/fake-wheel.js";
import { tempDir as makeTempDir, removeTempDirs } from "../../test/support/temp-dir.js";
import { SetupError } from "../errors.js";
import { extractFromWheel, parseRecord, quotedIncludes } from "./extract-wheel.js";

afterEach(removeTempDirs);
const tempDir = () => makeTempDir("trainkit-wheel-");

const selection = {
  files: ["tensorflow/libtensorflow_cc.so.2", "tensorflow/libtensorflow_framework.so.2"],
  headerRoots: ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"],
  includePrefix: "tensorflow/include/",
};

async function extractError(wheel: string, dest: string): Promise<SetupError> {
  const error = await extractFromWheel(wheel, dest, selection).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SetupError);
  expect((error as SetupError).code).toBe("WHEEL_CORRUPT");
  return error as SetupError;
}

describe("quotedIncludes and parseRecord", () => {
  it("follows quoted includes only (angle brackets are the system's)", () => {
    expect(
      quotedIncludes('#include <stdio.h>\n#include "a/b.h"\n  #  include "c.h" // x\n'),
    ).toEqual(["a/b.h", "c.h"]);
  });

  it("reads RECORD lines, quoted paths included, and skips those without a hash", () => {
    const record = parseRecord(
      'a/x.so,sha256=AbC-_1,10\n"we,ird/""q"".h",sha256=ZZ,3\npkg.dist-info/RECORD,,\n',
    );
    expect([...record]).toEqual([
      ["a/x.so", "AbC-_1"],
      ['we,ird/"q".h', "ZZ"],
    ]);
  });
});

describe("extractFromWheel", () => {
  it("takes the libraries and only the headers the binding's includes reach, checked against RECORD", async () => {
    const dir = tempDir();
    const wheel = await writeWheel(
      path.join(dir, "tf.whl"),
      tensorflowLikeFiles({ libraryBytes: 3 << 20 }),
    );
    const dest = path.join(dir, "out");
    const progress: number[] = [];
    const result = await extractFromWheel(wheel, dest, selection, (p) => progress.push(p.done));
    expect(result.written).toEqual([
      "tensorflow/include/tensorflow/c/c_api.h",
      "tensorflow/include/tensorflow/c/eager/c_api.h",
      "tensorflow/include/tensorflow/c/tf_status.h",
      "tensorflow/include/tsl/platform/status.h",
      "tensorflow/libtensorflow_cc.so.2",
      "tensorflow/libtensorflow_framework.so.2",
    ]);
    expect(statSync(path.join(dest, "tensorflow/libtensorflow_cc.so.2")).size).toBe(3 << 20);
    expect(readFileSync(path.join(dest, "tensorflow/include/tsl/platform/status.h"), "utf8")).toBe(
      "/* leaf */\n",
    );
    expect(existsSync(path.join(dest, "tensorflow/include/tensorflow/core/unused.h"))).toBe(false);
    expect(existsSync(path.join(dest, "tensorflow/python"))).toBe(false);
    expect(progress.at(-1)).toBe(result.bytes);
    expect(progress.length).toBeGreaterThan(2);
  });

  it("takes whole folders by prefix (the CUDA wheels' nvidia/ tree)", async () => {
    const dir = tempDir();
    const wheel = await writeWheel(path.join(dir, "nv.whl"), {
      "nvidia/cublas/lib/libcublas.so.12": "a",
      "nvidia/cudnn/lib/libcudnn.so.9": "b",
      "other/x": "c",
    });
    const result = await extractFromWheel(wheel, path.join(dir, "out"), {
      files: [],
      prefixes: ["nvidia/"],
    });
    expect(result.written).toEqual([
      "nvidia/cublas/lib/libcublas.so.12",
      "nvidia/cudnn/lib/libcudnn.so.9",
    ]);
  });

  it("refuses a library whose bytes do not match RECORD's sha256", async () => {
    const dir = tempDir();
    const wheel = await writeWheel(path.join(dir, "tf.whl"), tensorflowLikeFiles(), {
      corruptRecordFor: "tensorflow/libtensorflow_framework.so.2",
    });
    const error = await extractError(wheel, path.join(dir, "out"));
    expect(error.message).toContain(
      "libtensorflow_framework.so.2 does not match its sha256 in RECORD",
    );
    expect(error.message).toContain("download it again");
  });

  it("refuses a truncated download", async () => {
    const dir = tempDir();
    const wheel = await writeWheel(
      path.join(dir, "tf.whl"),
      tensorflowLikeFiles({ libraryBytes: 1 << 20 }),
    );
    truncateSync(wheel, Math.floor(statSync(wheel).size / 2));
    const error = await extractError(wheel, path.join(dir, "out"));
    expect(error.message).toContain(wheel);
    expect(error.message).toContain("is not a usable wheel");
  });

  it("refuses a file that is not a zip, one without RECORD, and one without the library", async () => {
    const dir = tempDir();
    const notZip = path.join(dir, "notzip.whl");
    writeFileSync(notZip, "hello");
    expect((await extractError(notZip, path.join(dir, "a"))).message).toContain("notzip.whl");

    const noRecord = await writeWheel(path.join(dir, "norecord.whl"), tensorflowLikeFiles(), {
      withoutRecord: true,
    });
    expect((await extractError(noRecord, path.join(dir, "b"))).message).toContain(
      "no .dist-info/RECORD",
    );

    const files = tensorflowLikeFiles();
    delete files["tensorflow/libtensorflow_cc.so.2"];
    const noLib = await writeWheel(path.join(dir, "nolib.whl"), files);
    expect((await extractError(noLib, path.join(dir, "c"))).message).toContain(
      "it has no tensorflow/libtensorflow_cc.so.2",
    );
  });
});
