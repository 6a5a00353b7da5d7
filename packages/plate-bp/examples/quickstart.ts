import { classifyImage, loadDefaultModel, readImageFile, readPlate } from "@trainkit/plate-bp";

/** Classify character images and read plate images with the shipped models. */
export async function quickstart(characterFiles: string[], plateFiles: string[]) {
  const digits = loadDefaultModel("digits"); // 25 grid features -> 64 -> 10
  for (const file of characterFiles) {
    const { label, confidence } = classifyImage(await readImageFile(file), digits);
    console.log(`${file}: ${label} (${(confidence * 100).toFixed(1)}%)`);
  }
  // heavily distorted input: the same 25 grid numbers after lighting flattening and deskew
  const robust = loadDefaultModel("digits-deskew");
  for (const file of characterFiles) {
    console.log(
      `${file} (deskew model): ${classifyImage(await readImageFile(file), robust).label}`,
    );
  }
  const plates = [];
  for (const file of plateFiles) {
    const { text } = readPlate(await readImageFile(file)); // shipped 34-class EasyPR model
    console.log(`${file}: ${text}`);
    plates.push(text);
  }
  return plates;
}
