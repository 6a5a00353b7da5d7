import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { demoTensorflowThreads } from "../src/context.js";
import { appDir, removeTempDirs, tempDir, trainkit, trainkitWithEnv } from "./helpers/trainkit.js";

afterAll(removeTempDirs);

describe("trainkit: bad input gets a clear error and exit code 2", () => {
  it("an unknown command lists the commands", () => {
    const { code, stderr } = trainkit("dmeo");
    expect(code).toBe(2);
    expect(stderr).toContain(
      "unknown command 'dmeo'; the commands are: demo, warmup, batching, split, port, plates",
    );
  });

  it("an unknown flag points to --help", () => {
    const { code, stderr } = trainkit("demo", "--fast");
    expect(code).toBe(2);
    expect(stderr).toBe("trainkit: unknown flag '--fast'. Run 'trainkit --help' for the flags.\n");
  });

  it("a non-numeric --epochs names the value", () => {
    const { code, stderr } = trainkit("warmup", "--epochs", "three");
    expect(code).toBe(2);
    expect(stderr).toContain("--epochs is 'three'; give a whole number");
  });

  it("--epochs 0 and a negative --seed are refused", () => {
    expect(trainkit("demo", "--epochs", "0").stderr).toContain(
      "--epochs is 0; train for at least 1",
    );
    const seed = trainkit("demo", "--seed", "-1");
    expect(seed.code).toBe(2);
    expect(seed.stderr).toContain("--seed");
  });

  it("--tf-threads takes 1 or more threads", () => {
    const zero = trainkit("demo", "--tf-threads", "0");
    expect(zero.code).toBe(2);
    expect(zero.stderr).toContain("--tf-threads is 0; give 1 or more threads");
    expect(trainkit("demo", "--tf-threads", "two").stderr).toContain(
      "--tf-threads is 'two'; give a whole number",
    );
  });

  it("an unexpected argument names it", () => {
    const { code, stderr } = trainkit("split", "extra");
    expect(code).toBe(2);
    expect(stderr).toContain("unexpected argument 'extra': 'split' takes no arguments");
  });

  it("an unknown backend lists the valid ones", () => {
    const { code, stderr } = trainkit("split", "--quick", "--backend", "webgl");
    expect(code).toBe(2);
    expect(stderr).toContain('--backend is "webgl", which is not a backend');
    expect(stderr).toContain("'wasm'");
  });

  it("TRAINKIT_BACKEND picks the backend without --backend, and a bad one is named", () => {
    const run = (backend: string, ...args: string[]) =>
      trainkitWithEnv({ TRAINKIT_BACKEND: backend }, "split", "--quick", "--json", ...args);
    const bad = run("webgl");
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('TRAINKIT_BACKEND is "webgl", which is not a backend');
    const out = ["--out", tempDir("env-backend")];
    expect(JSON.parse(run("cpu", ...out).stdout).backend.candidate).toBe("cpu");
    // --backend wins over the variable.
    const flag = run("webgl", ...out, "--backend", "cpu");
    expect(JSON.parse(flag.stdout).backend.candidate).toBe("cpu");
  });

  it("a negative number after a flag is named, not taken for a flag", () => {
    const { code, stderr } = trainkit("warmup", "--epochs", "-1");
    expect(code).toBe(2);
    expect(stderr).toBe("trainkit: --epochs is '-1'; give a whole number, e.g. --epochs 3.\n");
  });

  it("a flag the command would ignore is refused, naming the commands that read it", () => {
    const workers = trainkit("split", "--workers", "2");
    expect(workers.code).toBe(2);
    expect(workers.stderr).toContain("--workers is for 'sweep run'; 'split' does not read it");
    const status = trainkit("sweep", "status", "abc", "--redis", "x", "--workers", "2");
    expect(status.stderr).toContain("--workers is for 'sweep run'; 'sweep status' does not");
    // A sweep's budget and seed are in its file: --epochs would not shorten it.
    const file = path.join(appDir, "examples", "plate-schedules.sweep.yaml");
    const epochs = trainkit("sweep", "run", file, "--epochs", "3");
    expect(epochs.code).toBe(2);
    expect(epochs.stderr).toContain(
      "--epochs is for 'demo', 'warmup', 'batching', 'split' and 'plates train'; 'sweep run' does not read it (a sweep's epochs are the budget in its definition file)",
    );
    expect(trainkit("sweep", "run", file, "--quick").stderr).toContain(
      "'sweep run' does not read it (a sweep's size is in its definition file",
    );
    expect(trainkit("plates", "train", "--model", "m.safetensors").stderr).toContain(
      "--model is for 'plates classify' and 'plates read'; 'plates train' does not read it",
    );
    expect(trainkit("port", "--seed", "3").stderr).toContain("'port' does not read it");
  });

  it("a backend that cannot load names the package to install", () => {
    const { code, stderr } = trainkit("port", "--backend", "tensorflow-gpu");
    if (code === 0) return; // a machine where tfjs-node-gpu really works
    expect(code).toBe(2);
    expect(stderr).toContain("@tensorflow/tfjs-node-gpu");
  });

  it("port: a missing file and a file that is not safetensors", () => {
    const missing = trainkit("port", "no-such.safetensors");
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(
      /cannot read the state_dict '.*no-such\.safetensors': no such file/,
    );
    const dir = tempDir("cli");
    const bogus = path.join(dir, "bogus.safetensors");
    writeFileSync(bogus, "not a safetensors file at all");
    const bad = trainkit("port", bogus);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("is not a valid safetensors file");
    expect(trainkit("port", "a", "b").stderr).toContain("'port' takes one state_dict file");
  });

  it("plates: a missing or unknown subcommand, and classify without files", () => {
    expect(trainkit("plates").stderr).toContain(
      "'plates' needs a subcommand; use one of: plates train [digits|alphanumerics], plates classify <image...>, plates read <plate-image...>",
    );
    expect(trainkit("plates", "guess").stderr).toContain("unknown plates subcommand 'guess'");
    const none = trainkit("plates", "classify");
    expect(none.code).toBe(2);
    expect(none.stderr).toContain("'plates classify' needs at least one image file");
    expect(trainkit("plates", "train", "letters").stderr).toContain(
      "digits (default) or alphanumerics; got 'letters'",
    );
  });

  it("--help prints the commands and flags; no command prints it with code 2", () => {
    const help = trainkit("--help");
    expect(help.code).toBe(0);
    expect(help.stdout).toContain("Usage: trainkit <command>");
    for (const c of ["demo", "warmup", "batching", "split", "port", "plates"]) {
      expect(help.stdout).toMatch(new RegExp(`^  ${c} `, "m"));
    }
    for (const f of ["--backend", "--epochs", "--seed", "--out", "--quick", "--json", "--help"]) {
      expect(help.stdout).toContain(f);
    }
    expect(trainkit("demo", "--help").code).toBe(0);
    expect(trainkit().code).toBe(2);
  });
});

describe("TensorFlow's threads for the demos", () => {
  it("--tf-threads wins; else 1 on 2 cores or fewer, unless TF_NUM_INTRAOP_THREADS is set", () => {
    expect(demoTensorflowThreads({ tfThreads: 3 }, 2, {})).toBe(3);
    expect(demoTensorflowThreads({ tfThreads: 3 }, 2, { TF_NUM_INTRAOP_THREADS: "2" })).toBe(3);
    expect(demoTensorflowThreads({}, 1, {})).toBe(1);
    expect(demoTensorflowThreads({}, 2, {})).toBe(1);
    expect(demoTensorflowThreads({}, 4, {})).toBeUndefined();
    expect(demoTensorflowThreads({}, 2, { TF_NUM_INTRAOP_THREADS: "2" })).toBeUndefined();
    expect(demoTensorflowThreads({}, 2, { TF_NUM_INTRAOP_THREADS: " " })).toBe(1);
  });
});
