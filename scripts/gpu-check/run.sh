#!/usr/bin/env bash
# Runs the GPU check from .gpu-check/ (made by build.sh) on a machine with no network and no
# Node: unpacks Node and the bundle into a private temp folder, points the Vulkan loader at the
# NVIDIA driver, probes for an adapter (and stops there without one, unless
# GPU_CHECK_CPU_STAGES=1), runs check.mjs and prints its results. Exit: 0 all passed, 1 a stage failed,
# 2 the payload is missing or cannot run here, 3 no GPU adapter (the CPU stages still ran),
# 124 timed out. Nothing is installed outside the temp folder, which is removed at the end
# (GPU_CHECK_KEEP=1 keeps it).
set -uo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PAYLOAD="${GPU_CHECK_PAYLOAD:-$ROOT/.gpu-check}"
TIME_LIMIT_S="${GPU_CHECK_TIME_LIMIT_S:-480}"
T0=$(date +%s)

say() { printf '[run %4ss] %s\n' "$(($(date +%s) - T0))" "$*"; }

NODE_VERSION="$(cat "$PAYLOAD/NODE_VERSION" 2>/dev/null || true)"
NODE_GZ="$PAYLOAD/node-v$NODE_VERSION-linux-x64.gz"
if [ -z "$NODE_VERSION" ] || [ ! -f "$NODE_GZ" ] || [ ! -f "$PAYLOAD/app.tar.gz" ]; then
  say "no payload in $PAYLOAD: run scripts/gpu-check/build.sh first (on a machine with npm)"
  exit 2
fi
if [ "$(uname -s)-$(uname -m)" != "Linux-x86_64" ]; then
  say "this payload is for Linux x86-64, not $(uname -s)-$(uname -m)"
  exit 2
fi

WORK="$(mktemp -d "${TMPDIR:-/tmp}/trainkit-gpu-check.XXXXXX")"
cleanup() { if [ "${GPU_CHECK_KEEP:-0}" != "1" ]; then rm -rf "$WORK"; fi; }
trap cleanup EXIT

gunzip_to() { # gunzip_to <file.gz> <out>: gzip, or Python where gzip is missing
  if command -v gzip >/dev/null 2>&1; then
    gzip -dc "$1" >"$2"
  else
    python3 -c 'import gzip, shutil, sys; shutil.copyfileobj(gzip.open(sys.argv[1]), open(sys.argv[2], "wb"))' "$1" "$2"
  fi
}

say "unpacking into $WORK"
head -n 4 "$PAYLOAD/MANIFEST" 2>/dev/null | sed 's/^/  /'
gunzip_to "$NODE_GZ" "$WORK/node" && chmod +x "$WORK/node"
tar -xzf "$PAYLOAD/app.tar.gz" -C "$WORK" || { say "cannot unpack app.tar.gz"; exit 2; }
NODE="$WORK/node"
APP="$WORK/app"
if ! "$NODE" --version >/dev/null 2>&1; then
  say "the bundled node does not start here:"
  "$NODE" --version 2>&1 | sed 's/^/  /'
  exit 2
fi
say "node $("$NODE" --version)"

# --- the machine -------------------------------------------------------------------------
say "machine: $(uname -r), $(ldd --version 2>&1 | head -n 1)"
if command -v nvidia-smi >/dev/null 2>&1; then
  nvidia-smi --query-gpu=name,driver_version,memory.total --format=csv,noheader 2>&1 | sed 's/^/  gpu: /'
else
  say "  nvidia-smi not found"
fi
say "  NVIDIA_DRIVER_CAPABILITIES=${NVIDIA_DRIVER_CAPABILITIES:-}  NVIDIA_VISIBLE_DEVICES=${NVIDIA_VISIBLE_DEVICES:-}"
say "  device files: $(ls /dev/nvidia* /dev/dri/* 2>/dev/null | tr '\n' ' ')"

# Directories where the dynamic loader looks (for libraries named without a path).
lib_dirs() {
  local extra="${LD_LIBRARY_PATH:-}"
  printf '%s\n' ${extra//:/ } /usr/local/nvidia/lib64 /usr/local/nvidia/lib \
    /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /lib/x86_64-linux-gnu /lib64
}
find_lib() { # find_lib <soname>: the directory holding it, or nothing
  if ldconfig -p 2>/dev/null | grep -q " $1 "; then
    ldconfig -p | grep " $1 " | head -n 1 | sed 's/.*=> //' | xargs dirname
    return
  fi
  local d
  for d in $(lib_dirs); do
    if [ -e "$d/$1" ]; then
      echo "$d"
      return
    fi
  done
}
prepend_lib_dir() {
  case ":${LD_LIBRARY_PATH:-}:" in
    *":$1:"*) ;;
    *) export LD_LIBRARY_PATH="$1${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}" ;;
  esac
}

# dawn.node needs a libstdc++ with GLIBCXX_3.4.30 (GCC 12) and glibc 2.34.
STDCXX_DIR="$(find_lib libstdc++.so.6)"
if [ -n "$STDCXX_DIR" ] && ! grep -q GLIBCXX_3.4.30 "$STDCXX_DIR/libstdc++.so.6" 2>/dev/null; then
  say "  warning: $STDCXX_DIR/libstdc++.so.6 lacks GLIBCXX_3.4.30; dawn.node will not load"
fi

# The Vulkan loader: the machine's if it has one, else the one brought along.
VULKAN_DIR="$(find_lib libvulkan.so.1)"
if [ -n "$VULKAN_DIR" ]; then
  say "Vulkan loader: $VULKAN_DIR/libvulkan.so.1 (the machine's)"
else
  prepend_lib_dir "$APP/lib/vulkan"
  say "Vulkan loader: $(basename "$(readlink -f "$APP/lib/vulkan/libvulkan.so.1")") (brought along, Debian libvulkan1)"
fi

# The Vulkan driver manifest (ICD). Containers often mount NVIDIA's outside the loader's
# standard folders; point VK_DRIVER_FILES (VK_ICD_FILENAMES for older loaders) at it.
if [ -z "${VK_DRIVER_FILES:-}${VK_ICD_FILENAMES:-}" ]; then
  ICD=""
  for f in /etc/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia_icd*.json \
    /usr/local/share/vulkan/icd.d/nvidia_icd*.json /usr/local/nvidia/share/vulkan/icd.d/nvidia_icd*.json; do
    if [ -f "$f" ]; then
      ICD="$f"
      break
    fi
  done
  if [ -n "$ICD" ]; then
    export VK_DRIVER_FILES="$ICD" VK_ICD_FILENAMES="$ICD"
    say "Vulkan driver manifest: $ICD"
  else
    say "Vulkan driver manifest: no nvidia_icd.json found (the loader will search its standard folders)"
  fi
else
  ICD="${VK_DRIVER_FILES:-$VK_ICD_FILENAMES}"
  say "Vulkan driver manifest (from the environment): $ICD"
fi
if [ -n "${ICD:-}" ] && [ -f "${ICD%%:*}" ]; then
  tr -d '\n' <"${ICD%%:*}" | sed 's/  */ /g; s/^/  /'
  echo
  DRIVER_LIB="$(grep -o '"library_path"[^,}]*' "${ICD%%:*}" | sed 's/.*: *"\(.*\)"/\1/')"
  case "$DRIVER_LIB" in
    /*) [ -e "$DRIVER_LIB" ] && say "  driver library: $DRIVER_LIB" || say "  warning: driver library $DRIVER_LIB does not exist" ;;
    ?*)
      DRIVER_DIR="$(find_lib "$DRIVER_LIB")"
      if [ -n "$DRIVER_DIR" ]; then
        prepend_lib_dir "$DRIVER_DIR"
        say "  driver library: $DRIVER_DIR/$DRIVER_LIB"
        MISSING_DEPS="$(ldd "$DRIVER_DIR/$DRIVER_LIB" 2>&1 | grep 'not found' | tr -s ' \t' ' ')"
        [ -n "$MISSING_DEPS" ] && say "  warning: the driver library needs what is not here:$MISSING_DEPS"
      else
        say "  warning: driver library $DRIVER_LIB not found (is 'graphics' in NVIDIA_DRIVER_CAPABILITIES?)"
      fi
      ;;
  esac
fi

# --- the check -----------------------------------------------------------------------------
say "probing for a GPU adapter (Vulkan loader errors and warnings shown)"
(cd "$APP" && VK_LOADER_DEBUG=error,warn timeout 120 "$NODE" check.mjs --probe)
PROBE=$?
if [ "$PROBE" = 3 ]; then
  say "no adapter; the Vulkan loader's account of its drivers (VK_LOADER_DEBUG=driver):"
  (cd "$APP" && VK_LOADER_DEBUG=error,warn,driver timeout 60 "$NODE" check.mjs --probe 2>&1 | grep -v '^\[gpu-check' | head -n 60)
fi
if [ "$PROBE" != 0 ] && [ "${GPU_CHECK_CPU_STAGES:-0}" != "1" ]; then
  case "$PROBE" in
    3) say "NO GPU ADAPTER (reason above); stopping (GPU_CHECK_CPU_STAGES=1 runs the CPU stages anyway)" ;;
    *) say "FAIL: the adapter probe exited $PROBE; stopping (GPU_CHECK_CPU_STAGES=1 runs the rest anyway)" ;;
  esac
  exit "$PROBE"
fi

say "running the check (limit ${TIME_LIMIT_S} s)"
export GPU_CHECK_WATCHDOG_S="${GPU_CHECK_WATCHDOG_S:-$((TIME_LIMIT_S - 20))}"
(cd "$APP" && timeout --kill-after=10 "$TIME_LIMIT_S" "$NODE" check.mjs)
RC=$?
case "$RC" in
  0) say "PASS: every stage passed" ;;
  3) say "NO GPU ADAPTER: the CPU stages ran, the GPU ones could not (reason above)" ;;
  124 | 137) say "TIMEOUT after ${TIME_LIMIT_S} s" ; RC=124 ;;
  *) say "FAIL: exit $RC (see FAIL lines above)" ;;
esac
say "done"
exit "$RC"
