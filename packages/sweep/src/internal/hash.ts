import { mix32 } from "./seeds.js";

/** Per-lane start values and multipliers (odd constants), so the four lanes never agree. */
const LANES = [
  [0x243f6a88, 0x9e3779b1],
  [0x85a308d3, 0x85ebca77],
  [0x13198a2e, 0xc2b2ae3d],
  [0x03707344, 0x27d4eb2f],
] as const;

/**
 * A 128-bit fingerprint of a string as 32 lowercase hex digits: four 32-bit lanes, each fed every
 * UTF-16 code unit, then finalised into one another. Not cryptographic; it tells apart sweep
 * definitions, which nobody crafts to collide.
 */
export function fingerprint128(text: string): string {
  const h = LANES.map(([start]) => start >>> 0);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    for (let lane = 0; lane < 4; lane++) {
      let x = Math.imul((h[lane] as number) ^ c, LANES[lane]?.[1] as number);
      x ^= x >>> 15;
      h[lane] = x >>> 0;
    }
  }
  const out: string[] = [];
  for (let lane = 0; lane < 4; lane++) {
    const own = mix32((h[lane] as number) ^ text.length);
    const next = mix32((h[(lane + 1) % 4] as number) + lane);
    out.push(
      mix32(own ^ next)
        .toString(16)
        .padStart(8, "0"),
    );
  }
  return out.join("");
}
