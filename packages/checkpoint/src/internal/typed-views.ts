import { type SafetensorsDtype, type TensorData, typedArrayFor } from "../dtypes.js";

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export function assertLittleEndian(): void {
  if (!LITTLE_ENDIAN) {
    throw new Error(
      "safetensors data is little-endian and this host is big-endian; byte-swapping is not supported.",
    );
  }
}

/**
 * The natural typed array over `byteLength` bytes at `byteOffset` of `buffer`:
 * a zero-copy view when aligned (the reference writer guarantees it), a copy otherwise.
 */
export function tensorView(
  dtype: SafetensorsDtype,
  buffer: ArrayBufferLike,
  byteOffset: number,
  byteLength: number,
  copy = false,
): TensorData {
  const Ctor = typedArrayFor(dtype);
  const size = Ctor.BYTES_PER_ELEMENT;
  const length = byteLength / size;
  if (!copy && byteOffset % size === 0) return new Ctor(buffer, byteOffset, length);
  const out = new Ctor(length);
  new Uint8Array(out.buffer).set(new Uint8Array(buffer, byteOffset, byteLength));
  return out;
}

/** The raw bytes of any typed array, without copying. */
export function bytesOf(view: ArrayBufferView): Uint8Array {
  return new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
}
