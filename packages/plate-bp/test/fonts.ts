import { TEST_FONT_FILES, TRAIN_FONT_FILES } from "../scripts/fonts.js";
import { loadFont } from "../src/index.js";

/** Roboto Condensed Regular, a training font. */
export const roboto = loadFont(TRAIN_FONT_FILES[1] as string);
/** DejaVu Sans, a training font. */
export const dejavu = loadFont(
  TRAIN_FONT_FILES.find((f) => f.endsWith("DejaVuSans.ttf")) as string,
);
/** Barlow Condensed Regular, never used for training the shipped models. */
export const barlow = loadFont(TEST_FONT_FILES[0] as string);
