import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import yazl from "yazl";
import { tempDir } from "./temp-dir.js";

/** A file of a wheel: its path inside the zip and its bytes. */
export type WheelFiles = Record<string, string | Buffer>;

function recordHash(data: Buffer): string {
  return createHash("sha256")
    .update(data)
    .digest("base64")
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

/**
 * Writes a real wheel (a zip with a `.dist-info/RECORD` of sha256 hashes, as pip's wheels
 * have). `corruptRecordFor` gives that file a wrong hash in RECORD.
 */
export async function writeWheel(
  file: string,
  files: WheelFiles,
  options: { corruptRecordFor?: string; distInfo?: string; withoutRecord?: boolean } = {},
): Promise<string> {
  const zip = new yazl.ZipFile();
  const distInfo = options.distInfo ?? "tensorflow_cpu-2.21.0.dist-info";
  const record: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const data = Buffer.isBuffer(content) ? content : Buffer.from(content);
    // Large files are stored (no deflate) so tests stay quick.
    zip.addBuffer(data, name, { compress: data.length < 1 << 20 });
    const hash =
      name === options.corruptRecordFor
        ? recordHash(Buffer.from("something else"))
        : recordHash(data);
    record.push(`${name},sha256=${hash},${data.length}`);
  }
  if (!options.withoutRecord) {
    record.push(`${distInfo}/RECORD,,`);
    zip.addBuffer(Buffer.from(`${record.join("\n")}\n`), `${distInfo}/RECORD`);
  }
  zip.end();
  await new Promise<void>((resolve, reject) => {
    const out = createWriteStream(file);
    out.on("close", () => resolve());
    out.on("error", reject);
    zip.outputStream.pipe(out);
  });
  return file;
}

/** A TensorFlow-like wheel: the two libraries and a small header tree (plus one unused header). */
export function tensorflowLikeFiles(
  options: { libraryBytes?: number; cApi?: string } = {},
): WheelFiles {
  const size = options.libraryBytes ?? 1024;
  return {
    "tensorflow/libtensorflow_cc.so.2": Buffer.alloc(size, 7),
    "tensorflow/libtensorflow_framework.so.2": Buffer.alloc(512, 3),
    "tensorflow/include/tensorflow/c/c_api.h":
      options.cApi ??
      '#include <stdint.h>\n#include "tensorflow/c/tf_status.h"\nint TF_Fake(void);\n',
    "tensorflow/include/tensorflow/c/eager/c_api.h": '#include "tensorflow/c/c_api.h"\n',
    "tensorflow/include/tensorflow/c/tf_status.h": '  #  include "tsl/platform/status.h"\n',
    "tensorflow/include/tsl/platform/status.h": "/* leaf */\n",
    "tensorflow/include/tensorflow/core/unused.h": "/* never included */\n",
    "tensorflow/python/_pywrap.so": Buffer.alloc(256, 1),
  };
}

/**
 * A project folder whose node_modules holds a stand-in `@tensorflow/tfjs-node@4.22.0` (a
 * package.json and a binding source that includes the C API), so the setup finds it installed
 * and never calls npm.
 */
export function fakeProject(): { dir: string; packageDir: string } {
  const dir = tempDir("trainkit-setup-project-");
  const packageDir = path.join(dir, "node_modules", "@tensorflow", "tfjs-node");
  mkdirSync(path.join(packageDir, "binding"), { recursive: true });
  writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name: "app", private: true }));
  writeFileSync(
    path.join(packageDir, "package.json"),
    JSON.stringify({
      name: "@tensorflow/tfjs-node",
      version: "4.22.0",
      main: "index.js",
      binary: { napi_versions: [3, 4, 5, 6, 7, 8] },
    }),
  );
  writeFileSync(path.join(packageDir, "index.js"), "module.exports = {};\n");
  writeFileSync(
    path.join(packageDir, "binding", "tfjs_backend.cc"),
    '#include "tensorflow/c/eager/c_api.h"\nint trainkit_fake() { return 0; }\n',
  );
  writeFileSync(
    path.join(packageDir, "binding.gyp"),
    JSON.stringify({
      targets: [
        {
          target_name: "tfjs_binding",
          sources: ["binding/tfjs_backend.cc"],
          include_dirs: ["<(module_root_dir)/deps/include"],
        },
      ],
    }),
  );
  return { dir, packageDir };
}
