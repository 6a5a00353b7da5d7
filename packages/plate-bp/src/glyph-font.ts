/// <reference path="./internal/opentype.d.ts" />
import { readFileSync } from "node:fs";
import opentype from "opentype.js";
import { PlateBpError } from "./errors.js";
import type { Polygon } from "./internal/rasterize.js";

/** A parsed TrueType/OpenType (or WOFF) font whose glyph outlines can be rendered. */
export interface GlyphFont {
  /** The font's full name (or the name given to {@link loadFont}). */
  readonly name: string;
  /** @internal */
  readonly outlines: Map<string, GlyphOutline>;
  /** @internal */
  readonly font: FontSource;
}

/** @internal The part of a parsed font the renderer uses. */
export interface FontSource {
  charToGlyph(c: string): {
    index: number;
    path: {
      commands: {
        type: string;
        x?: number;
        y?: number;
        x1?: number;
        y1?: number;
        x2?: number;
        y2?: number;
      }[];
    };
  };
  names: { fullName?: Record<string, string>; fontFamily?: Record<string, string> };
}

/** @internal Flattened outline in font units (y up) and its ink box. */
export interface GlyphOutline {
  readonly polygons: Polygon[];
  readonly xMin: number;
  readonly xMax: number;
  readonly yMin: number;
  readonly yMax: number;
}

/** Parse a font from a file path or bytes (TTF, OTF or WOFF; not WOFF2). */
export function loadFont(source: string | Uint8Array | ArrayBuffer, name?: string): GlyphFont {
  let bytes: Uint8Array;
  const label = typeof source === "string" ? source : (name ?? "font bytes");
  try {
    bytes =
      typeof source === "string"
        ? readFileSync(source)
        : source instanceof Uint8Array
          ? source
          : new Uint8Array(source);
  } catch (e) {
    throw new PlateBpError(
      "FONT_ERROR",
      `loadFont: cannot read ${label} (${(e as Error).message}); pass the path of a .ttf/.otf/.woff file`,
    );
  }
  let font: FontSource;
  try {
    const ab = bytes.buffer.slice(
      bytes.byteOffset,
      bytes.byteOffset + bytes.byteLength,
    ) as ArrayBuffer;
    font = opentype.parse(ab);
  } catch (e) {
    throw new PlateBpError(
      "FONT_ERROR",
      `loadFont: ${label} is not a readable TTF/OTF/WOFF font (${(e as Error).message}); WOFF2 must be decompressed first`,
    );
  }
  const names = font.names as FontSource["names"] & {
    windows?: FontSource["names"];
    macintosh?: FontSource["names"];
  };
  const full =
    names.fullName?.en ?? names.windows?.fullName?.en ?? names.macintosh?.fullName?.en ?? label;
  return { name: name ?? full, outlines: new Map(), font };
}

const CURVE_STEPS = 8;

/** @internal Outline of one character, flattened to polygons (cached per font). */
export function glyphOutline(font: GlyphFont, char: string): GlyphOutline {
  const hit = font.outlines.get(char);
  if (hit) return hit;
  const glyph = font.font.charToGlyph(char);
  if (!glyph || glyph.index === 0) {
    throw new PlateBpError(
      "FONT_ERROR",
      `font "${font.name}" has no glyph for ${JSON.stringify(char)}; choose a font that covers the character set`,
    );
  }
  const polys: Polygon[] = [];
  let cur: number[] = [];
  let px = 0;
  let py = 0;
  const close = () => {
    if (cur.length >= 6) polys.push(cur);
    cur = [];
  };
  for (const c of glyph.path.commands) {
    if (c.type === "M") {
      close();
      px = c.x as number;
      py = c.y as number;
      cur.push(px, py);
    } else if (c.type === "L") {
      px = c.x as number;
      py = c.y as number;
      cur.push(px, py);
    } else if (c.type === "Q") {
      const [x1, y1, x, y] = [c.x1 as number, c.y1 as number, c.x as number, c.y as number];
      for (let i = 1; i <= CURVE_STEPS; i++) {
        const t = i / CURVE_STEPS;
        const u = 1 - t;
        cur.push(u * u * px + 2 * u * t * x1 + t * t * x, u * u * py + 2 * u * t * y1 + t * t * y);
      }
      px = x;
      py = y;
    } else if (c.type === "C") {
      const [x1, y1, x2, y2, x, y] = [
        c.x1 as number,
        c.y1 as number,
        c.x2 as number,
        c.y2 as number,
        c.x as number,
        c.y as number,
      ];
      for (let i = 1; i <= CURVE_STEPS; i++) {
        const t = i / CURVE_STEPS;
        const u = 1 - t;
        const a = u * u * u;
        const b = 3 * u * u * t;
        const d = 3 * u * t * t;
        const e = t * t * t;
        cur.push(a * px + b * x1 + d * x2 + e * x, a * py + b * y1 + d * y2 + e * y);
      }
      px = x;
      py = y;
    } else if (c.type === "Z") {
      close();
    }
  }
  close();
  let xMin = Number.POSITIVE_INFINITY;
  let xMax = Number.NEGATIVE_INFINITY;
  let yMin = Number.POSITIVE_INFINITY;
  let yMax = Number.NEGATIVE_INFINITY;
  for (const p of polys) {
    for (let i = 0; i < p.length; i += 2) {
      const x = p[i] as number;
      const y = p[i + 1] as number;
      if (x < xMin) xMin = x;
      if (x > xMax) xMax = x;
      if (y < yMin) yMin = y;
      if (y > yMax) yMax = y;
    }
  }
  if (polys.length === 0) {
    throw new PlateBpError(
      "FONT_ERROR",
      `font "${font.name}" draws nothing for ${JSON.stringify(char)}; choose a font with visible glyphs for it`,
    );
  }
  const out = { polygons: polys, xMin, xMax, yMin, yMax };
  font.outlines.set(char, out);
  return out;
}
