import { BatchingError } from "./errors.js";

/** Typed arrays an image's pixels may live in. */
export type PixelArray =
  | Float32Array
  | Float64Array
  | Uint8Array
  | Uint8ClampedArray
  | Int8Array
  | Uint16Array
  | Int16Array
  | Int32Array
  | Uint32Array;

/**
 * An image as a plain typed array in HWC (row-major, channels last) order, the layout of a tfjs
 * `[h, w, c]` tensor: pixel (y, x), channel k lives at `data[(y * width + x) * channels + k]`.
 */
export interface ImageArray<T extends PixelArray = PixelArray> {
  data: T;
  height: number;
  width: number;
  channels: number;
}

/** `[height, width]`, in that order, like torchvision's `image_sizes`. */
export type ImageSize = readonly [height: number, width: number];

/** Wraps `data` as an {@link ImageArray}, checking that its length is `height * width * channels`. */
export function createImage<T extends PixelArray>(
  data: T,
  height: number,
  width: number,
  channels = 1,
): ImageArray<T> {
  const image = { data, height, width, channels };
  assertImage(image, "image");
  return image;
}

/** Throws a {@link BatchingError} unless `image` is a well-formed {@link ImageArray}. */
export function assertImage(image: unknown, name: string): asserts image is ImageArray {
  const im = image as Partial<ImageArray> | null;
  const dims = [im?.height, im?.width, im?.channels];
  if (
    im === null ||
    typeof im !== "object" ||
    !ArrayBuffer.isView(im.data) ||
    !dims.every((d) => typeof d === "number" && Number.isInteger(d) && d > 0)
  ) {
    throw new BatchingError(
      "INVALID_IMAGE",
      `${name} must be { data: TypedArray, height, width, channels } with positive integer sizes, got height=${String(im?.height)} width=${String(im?.width)} channels=${String(im?.channels)}.`,
    );
  }
  const expected = (im.height as number) * (im.width as number) * (im.channels as number);
  if ((im.data as PixelArray).length !== expected) {
    throw new BatchingError(
      "INVALID_IMAGE",
      `${name} data has ${(im.data as PixelArray).length} values but height*width*channels = ${im.height}*${im.width}*${im.channels} = ${expected}; pass HWC data of exactly that length.`,
    );
  }
}
