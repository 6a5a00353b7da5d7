/** True where typed-array words are little-endian (word reads of pixel bytes rely on it). */
export const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
