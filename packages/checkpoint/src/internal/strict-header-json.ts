import { isSafetensorsDtype, type SafetensorsDtype } from "../dtypes.js";
import { SafetensorsError } from "../errors.js";

/** One tensor entry as written in the header. */
export interface RawTensorEntry {
  dtype: SafetensorsDtype;
  shape: number[];
  dataOffsets: [number, number];
}

export interface RawHeader {
  /** null-prototype map, in header order */
  tensors: Record<string, RawTensorEntry>;
  /** null when `__metadata__` is absent or null */
  metadata: Record<string, string> | null;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

/**
 * A schema-directed JSON reader for the safetensors header. It accepts exactly the
 * JSON grammar (RFC 8259) but only the shapes the format allows, so it can:
 * detect duplicate keys (which JSON.parse silently drops), reject integers that a
 * double cannot hold exactly, and never recurse deeper than three levels.
 */
export function parseHeaderJson(text: string): RawHeader {
  return new HeaderReader(text).readHeader();
}

class HeaderReader {
  private i = 0;
  constructor(private readonly s: string) {}

  private fail(code: "INVALID_JSON", what: string): never {
    throw new SafetensorsError(
      code,
      `Invalid safetensors header JSON at character ${this.i}: ${what}. The header must be one JSON object {"name": {"dtype", "shape", "data_offsets"}, "__metadata__": {string: string}}, optionally padded with spaces.`,
    );
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length && WS.has(s.charCodeAt(this.i))) this.i++;
  }

  private peek(): string {
    if (this.i >= this.s.length) this.fail("INVALID_JSON", "unexpected end of header");
    return this.s[this.i] as string;
  }

  private expect(ch: string): void {
    this.ws();
    const c = this.peek();
    if (c !== ch) this.fail("INVALID_JSON", `expected '${ch}' but found ${describeChar(c)}`);
    this.i++;
  }

  /** Kind of the JSON value starting at the current position, for messages. */
  private kindHere(): string {
    this.ws();
    const c = this.peek();
    if (c === "{") return "an object";
    if (c === "[") return "an array";
    if (c === '"') return "a string";
    if (c === "t" || c === "f") return "a boolean";
    if (c === "n") return "null";
    if (c === "-" || (c >= "0" && c <= "9")) return "a number";
    return this.fail("INVALID_JSON", `unexpected ${describeChar(c)}`);
  }

  private literal(word: string): void {
    if (this.s.startsWith(word, this.i)) {
      this.i += word.length;
      return;
    }
    this.fail("INVALID_JSON", `invalid literal, expected ${word}`);
  }

  readString(): string {
    this.expect('"');
    const s = this.s;
    let out = "";
    let start = this.i;
    for (;;) {
      if (this.i >= s.length) this.fail("INVALID_JSON", "unterminated string");
      const c = s.charCodeAt(this.i);
      if (c === 0x22) {
        out += s.slice(start, this.i);
        this.i++;
        return out;
      }
      if (c < 0x20) this.fail("INVALID_JSON", `control character U+${hex4(c)} inside a string`);
      if (c === 0x5c) {
        out += s.slice(start, this.i);
        this.i++;
        const e = this.peek();
        this.i++;
        switch (e) {
          case '"':
            out += '"';
            break;
          case "\\":
            out += "\\";
            break;
          case "/":
            out += "/";
            break;
          case "b":
            out += "\b";
            break;
          case "f":
            out += "\f";
            break;
          case "n":
            out += "\n";
            break;
          case "r":
            out += "\r";
            break;
          case "t":
            out += "\t";
            break;
          case "u": {
            const u = this.hexEscape();
            if (u >= 0xd800 && u <= 0xdbff) {
              if (s[this.i] !== "\\" || s[this.i + 1] !== "u") {
                this.fail("INVALID_JSON", "lone leading surrogate in a \\u escape");
              }
              this.i += 2;
              const lo = this.hexEscape();
              if (lo < 0xdc00 || lo > 0xdfff) {
                this.fail("INVALID_JSON", "lone leading surrogate in a \\u escape");
              }
              out += String.fromCharCode(u, lo);
            } else if (u >= 0xdc00 && u <= 0xdfff) {
              this.fail("INVALID_JSON", "lone trailing surrogate in a \\u escape");
            } else {
              out += String.fromCharCode(u);
            }
            break;
          }
          default:
            this.i--;
            this.fail("INVALID_JSON", `invalid escape \\${e}`);
        }
        start = this.i;
        continue;
      }
      this.i++;
    }
  }

  private hexEscape(): number {
    const h = this.s.slice(this.i, this.i + 4);
    if (!/^[0-9a-fA-F]{4}$/.test(h)) this.fail("INVALID_JSON", "invalid \\u escape");
    this.i += 4;
    return Number.parseInt(h, 16);
  }

  /** A non-negative integer; `where` names it in messages. */
  private readUint(where: string): number {
    this.ws();
    const s = this.s;
    const start = this.i;
    const c = this.peek();
    if (c === "-") {
      throw new SafetensorsError(
        "INVALID_FIELD",
        `${where} is negative (${this.numberText()}); shapes and data_offsets must be non-negative integers.`,
      );
    }
    if (c < "0" || c > "9") {
      throw new SafetensorsError(
        "INVALID_FIELD",
        `${where} is ${this.kindHere()}, not an integer; shapes and data_offsets must be non-negative integers.`,
      );
    }
    while (this.i < s.length && s.charCodeAt(this.i) >= 0x30 && s.charCodeAt(this.i) <= 0x39) {
      this.i++;
    }
    const digits = s.slice(start, this.i);
    const next = s[this.i];
    if (next === "." || next === "e" || next === "E") {
      this.i = start;
      throw new SafetensorsError(
        "INVALID_FIELD",
        `${where} is ${this.numberText()}, not an integer; shapes and data_offsets must be written as plain non-negative integers.`,
      );
    }
    if (digits.length > 1 && digits[0] === "0") {
      this.i = start;
      this.fail("INVALID_JSON", `number with a leading zero (${digits})`);
    }
    if (digits.length > 16 || !Number.isSafeInteger(Number(digits))) {
      throw new SafetensorsError(
        "INTEGER_TOO_LARGE",
        `${where} is ${digits}, past 2^53 - 1 = ${Number.MAX_SAFE_INTEGER}: such a file cannot be addressed exactly and is not a valid safetensors file.`,
      );
    }
    return Number(digits);
  }

  /** The text of the number at the current position (for messages); does not move. */
  private numberText(): string {
    const m = /^-?\d*(\.\d*)?([eE][+-]?\d*)?/.exec(this.s.slice(this.i, this.i + 40));
    return m?.[0] ?? "";
  }

  private readUintArray(where: string): number[] {
    this.ws();
    if (this.peek() !== "[") {
      throw new SafetensorsError(
        "INVALID_FIELD",
        `${where} is ${this.kindHere()}, not an array of non-negative integers.`,
      );
    }
    this.i++;
    const out: number[] = [];
    this.ws();
    if (this.peek() === "]") {
      this.i++;
      return out;
    }
    for (;;) {
      out.push(this.readUint(`${where}[${out.length}]`));
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === "]") return out;
      if (c !== ",") {
        this.i--;
        this.fail("INVALID_JSON", `expected ',' or ']' but found ${describeChar(c)}`);
      }
    }
  }

  /** Iterates the members of an object, calling `member` after each key and ':'. */
  private readObject(what: string, member: (key: string) => void): void {
    this.expect("{");
    const seen = new Set<string>();
    this.ws();
    if (this.peek() === "}") {
      this.i++;
      return;
    }
    for (;;) {
      this.ws();
      if (this.peek() !== '"') this.fail("INVALID_JSON", "expected a string key");
      const key = this.readString();
      if (seen.has(key)) {
        throw new SafetensorsError(
          "DUPLICATE_KEY",
          `Duplicate key ${JSON.stringify(key)} in ${what}: JSON readers disagree on which copy wins (JSON.parse keeps the last one silently), so safetensors forbids duplicates. Rewrite the file with each name once.`,
        );
      }
      seen.add(key);
      this.expect(":");
      member(key);
      this.ws();
      const c = this.peek();
      this.i++;
      if (c === "}") return;
      if (c !== ",") {
        this.i--;
        this.fail("INVALID_JSON", `expected ',' or '}' but found ${describeChar(c)}`);
      }
    }
  }

  private readTensorEntry(name: string): RawTensorEntry {
    const where = `tensor ${JSON.stringify(name)}`;
    if (this.kindHere() !== "an object") {
      throw new SafetensorsError(
        "INVALID_FIELD",
        `The ${where} is ${this.kindHere()}; each tensor entry must be an object {"dtype", "shape", "data_offsets"}.`,
      );
    }
    let dtype: SafetensorsDtype | undefined;
    let shape: number[] | undefined;
    let offsets: number[] | undefined;
    this.readObject(`the ${where}`, (key) => {
      if (key === "dtype") {
        if (this.kindHere() !== "a string") {
          throw new SafetensorsError(
            "INVALID_FIELD",
            `The dtype of ${where} is ${this.kindHere()}, not a string such as "F32".`,
          );
        }
        const d = this.readString();
        if (!isSafetensorsDtype(d)) {
          throw new SafetensorsError(
            "UNKNOWN_DTYPE",
            `Unknown dtype ${JSON.stringify(d)} for ${where}. Valid dtypes (case-sensitive): ${listDtypes()}.`,
          );
        }
        dtype = d;
      } else if (key === "shape") {
        shape = this.readUintArray(`shape of ${where}`);
      } else if (key === "data_offsets") {
        offsets = this.readUintArray(`data_offsets of ${where}`);
        if (offsets.length !== 2) {
          throw new SafetensorsError(
            "INVALID_FIELD",
            `data_offsets of ${where} has ${offsets.length} elements; it must be exactly [begin, end].`,
          );
        }
      } else {
        throw new SafetensorsError(
          "UNKNOWN_FIELD",
          `Unknown field ${JSON.stringify(key)} in ${where}; a tensor entry holds only "dtype", "shape" and "data_offsets".`,
        );
      }
    });
    const missing = [
      dtype === undefined ? "dtype" : "",
      shape === undefined ? "shape" : "",
      offsets === undefined ? "data_offsets" : "",
    ].filter(Boolean);
    if (missing.length > 0) {
      throw new SafetensorsError(
        "MISSING_FIELD",
        `The ${where} lacks ${missing.map((m) => `"${m}"`).join(", ")}; every tensor entry needs "dtype", "shape" and "data_offsets".`,
      );
    }
    return {
      dtype: dtype as SafetensorsDtype,
      shape: shape as number[],
      dataOffsets: offsets as [number, number],
    };
  }

  private readMetadata(): Record<string, string> | null {
    this.ws();
    if (this.peek() === "n") {
      this.literal("null");
      return null;
    }
    if (this.kindHere() !== "an object") {
      throw new SafetensorsError(
        "INVALID_METADATA",
        `"__metadata__" is ${this.kindHere()}; it must be an object whose values are all strings (encode other values as JSON text).`,
      );
    }
    const out: Record<string, string> = Object.create(null);
    this.readObject(`"__metadata__"`, (key) => {
      const kind = this.kindHere();
      if (kind !== "a string") {
        throw new SafetensorsError(
          "INVALID_METADATA",
          `"__metadata__" value for ${JSON.stringify(key)} is ${kind}; all metadata values must be strings (encode other values as JSON text).`,
        );
      }
      out[key] = this.readString();
    });
    return out;
  }

  readHeader(): RawHeader {
    this.ws();
    if (this.i >= this.s.length) this.fail("INVALID_JSON", "the header is empty");
    if (this.peek() !== "{") {
      this.fail("INVALID_JSON", `the header is ${this.kindHere()}, not an object`);
    }
    const tensors: Record<string, RawTensorEntry> = Object.create(null);
    let metadata: Record<string, string> | null = null;
    this.readObject("the header", (key) => {
      if (key === "__metadata__") metadata = this.readMetadata();
      else tensors[key] = this.readTensorEntry(key);
    });
    this.ws();
    if (this.i !== this.s.length) {
      this.fail(
        "INVALID_JSON",
        `trailing ${describeChar(this.s[this.i] as string)} after the header object (only spaces may pad it)`,
      );
    }
    return { tensors, metadata };
  }
}

function hex4(c: number): string {
  return c.toString(16).toUpperCase().padStart(4, "0");
}

function describeChar(c: string): string {
  const code = c.charCodeAt(0);
  return code < 0x20 || code === 0x7f ? `byte U+${hex4(code)}` : `'${c}'`;
}

function listDtypes(): string {
  return "BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64, F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, F4, F6_E2M3, F6_E3M2";
}
