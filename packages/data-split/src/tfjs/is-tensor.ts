import type { Tensor } from "@tensorflow/tfjs-core";

/** A tfjs tensor, recognised by shape (works across duplicated tfjs-core copies). */
export function isTensor(v: unknown): v is Tensor {
  return (
    typeof v === "object" &&
    v !== null &&
    Array.isArray((v as Tensor).shape) &&
    typeof (v as Tensor).dtype === "string" &&
    "dataId" in (v as object)
  );
}
