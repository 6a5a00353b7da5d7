import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { permutation } from "@trainkit/tensor-layout";
import { rearrange, reduce, toNCHW, toNHWC } from "@trainkit/tensor-layout/tfjs";
import { batchNormConfigFromTorch, loadTorchStateDict } from "@trainkit/tensor-layout/torch";

export async function quickstart() {
  await tf.setBackend("cpu");

  // 1. Named layouts: the permutation tf.transpose needs, and conversions.
  const perm = permutation("NCHW", "NHWC"); // [0, 2, 3, 1]
  const batch = tf.randomNormal([8, 3, 32, 32]); // as PyTorch gives it
  const nhwc = toNHWC(batch, "NCHW"); // [8, 32, 32, 3], as tfjs layers want it

  // A decoded image (HWC, e.g. RGB bytes from a PNG) to CHW: a fast typed-array transpose (the main
  // entry has the same function for { data, shape } alone, and loads without tfjs).
  const image = { data: new Uint8Array([255, 0, 0, 0, 255, 0]), shape: [1, 2, 3] }; // red, green
  const chw = toNCHW(image, "HWC"); // { data: Uint8Array [255, 0, 0, 255, 0, 0], shape: [3, 1, 2] }

  // 2. einops-style patterns on tfjs tensors.
  const patches = rearrange(nhwc, "b (h p1) (w p2) c -> b (h w) (p1 p2 c)", { p1: 8, p2: 8 }); // [8, 16, 192]
  const pooled = reduce(nhwc, "b h w c -> b c", "mean"); // global average pooling, [8, 3]

  // 3. PyTorch weights into a tfjs model of the same architecture:
  //    nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.Flatten(), nn.Linear(4*8*8, 2))
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({ inputShape: [8, 8, 3], filters: 4, kernelSize: 3, padding: "same" }),
      tfl.layers.batchNormalization(batchNormConfigFromTorch()), // eps 1e-5, momentum 0.9
      tfl.layers.reLU(),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2 }),
    ],
  });
  const stateDict = {
    // e.g. the tensors of a safetensors file, read with @trainkit/checkpoint's readSafetensors
    "0.weight": tf.randomNormal([4, 3, 3, 3]),
    "0.bias": tf.zeros([4]),
    "1.weight": tf.ones([4]),
    "1.bias": tf.zeros([4]),
    "1.running_mean": tf.zeros([4]),
    "1.running_var": tf.ones([4]),
    "4.weight": tf.randomNormal([2, 4 * 8 * 8]), // [out, C·H·W]: permuted to [H·W·C, out] for you
    "4.bias": tf.zeros([2]),
  };
  const { assignments, warnings } = loadTorchStateDict(model, stateDict);
  for (const a of assignments) console.log(`${a.torchKey} -> ${a.tfjsWeight}: ${a.conversion}`);

  return { perm, batch, nhwc, chw, patches, pooled, model, assignments, warnings, stateDict };
}
