import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { type GlyphFont, loadFont } from "@trainkit/plate-bp";

/**
 * Fonts for the plate demos, all from npm packages (OFL-1.1 Google fonts and DejaVu): some to
 * train on, and families never seen in training to test on.
 */
const require = createRequire(import.meta.url);
const dirOf = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));
const google = (family: string, pkg: string, weight: string) =>
  join(dirOf(`@expo-google-fonts/${pkg}`), weight, `${family}_${weight}.ttf`);
const dejavu = (name: string) => join(dirOf("dejavu-fonts-ttf"), "ttf", `${name}.ttf`);

export const TRAIN_FONT_FILES = [
  google("RobotoCondensed", "roboto-condensed", "400Regular"),
  google("RobotoCondensed", "roboto-condensed", "700Bold"),
  google("Oswald", "oswald", "400Regular"),
  google("Oswald", "oswald", "700Bold"),
  google("RobotoMono", "roboto-mono", "500Medium"),
  google("PTSansNarrow", "pt-sans-narrow", "400Regular"),
  google("ArchivoNarrow", "archivo-narrow", "700Bold"),
  dejavu("DejaVuSansCondensed"),
  dejavu("DejaVuSansCondensed-Bold"),
  dejavu("DejaVuSansMono"),
];

/** Families absent from training: Barlow Condensed, Ubuntu Condensed, Encode Sans Condensed. */
export const UNSEEN_FONT_FILES = [
  google("BarlowCondensed", "barlow-condensed", "500Medium"),
  google("BarlowCondensed", "barlow-condensed", "700Bold"),
  google("UbuntuCondensed", "ubuntu-condensed", "400Regular"),
  google("EncodeSansCondensed", "encode-sans-condensed", "600SemiBold"),
];

export function loadFonts(files: readonly string[]): GlyphFont[] {
  return files.map((f) => loadFont(f));
}

/** "RobotoCondensed_700Bold.ttf" → "RobotoCondensed 700Bold". */
export function fontLabel(file: string): string {
  return (
    file
      .split(/[\\/]/)
      .pop()
      ?.replace(/\.ttf$/, "")
      .replace(/_/g, " ") ?? file
  );
}
