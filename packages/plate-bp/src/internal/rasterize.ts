/** A closed polygon as flat [x0, y0, x1, y1, ...] in pixel coordinates (y down). */
export type Polygon = number[];

const SUB = 5;

/**
 * Anti-aliased nonzero-winding fill: SUB sub-scanlines per pixel row, exact horizontal
 * coverage of each span. Returns coverage in [0, 1] per pixel.
 */
export function rasterizePolygons(
  polys: readonly Polygon[],
  width: number,
  height: number,
): Float32Array {
  const cov = new Float32Array(width * height);
  // edges: x0, y0, x1, y1 with y0 < y1, plus winding direction
  const ex0: number[] = [];
  const ey0: number[] = [];
  const ex1: number[] = [];
  const ey1: number[] = [];
  const edir: number[] = [];
  for (const p of polys) {
    const n = p.length >> 1;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const xa = p[2 * i] as number;
      const ya = p[2 * i + 1] as number;
      const xb = p[2 * j] as number;
      const yb = p[2 * j + 1] as number;
      if (ya === yb) continue;
      if (ya < yb) {
        ex0.push(xa);
        ey0.push(ya);
        ex1.push(xb);
        ey1.push(yb);
        edir.push(1);
      } else {
        ex0.push(xb);
        ey0.push(yb);
        ex1.push(xa);
        ey1.push(ya);
        edir.push(-1);
      }
    }
  }
  const m = ex0.length;
  const xs: number[] = [];
  const ds: number[] = [];
  const order: number[] = [];
  const w = 1 / SUB;
  for (let row = 0; row < height; row++) {
    const base = row * width;
    for (let s = 0; s < SUB; s++) {
      const y = row + (s + 0.5) / SUB;
      xs.length = 0;
      ds.length = 0;
      for (let e = 0; e < m; e++) {
        const y0 = ey0[e] as number;
        const y1 = ey1[e] as number;
        if (y < y0 || y >= y1) continue;
        const x0 = ex0[e] as number;
        xs.push(x0 + ((y - y0) * ((ex1[e] as number) - x0)) / (y1 - y0));
        ds.push(edir[e] as number);
      }
      if (xs.length < 2) continue;
      order.length = 0;
      for (let i = 0; i < xs.length; i++) order.push(i);
      order.sort((a, b) => (xs[a] as number) - (xs[b] as number));
      let wind = 0;
      for (let k = 0; k < order.length - 1; k++) {
        wind += ds[order[k] as number] as number;
        if (wind === 0) continue;
        const xa = Math.max(0, xs[order[k] as number] as number);
        const xb = Math.min(width, xs[order[k + 1] as number] as number);
        if (xb <= xa) continue;
        const ia = Math.floor(xa);
        const ib = Math.floor(xb);
        if (ia === ib) {
          cov[base + ia] = (cov[base + ia] as number) + (xb - xa) * w;
          continue;
        }
        cov[base + ia] = (cov[base + ia] as number) + (ia + 1 - xa) * w;
        for (let x = ia + 1; x < ib; x++) cov[base + x] = (cov[base + x] as number) + w;
        if (ib < width) cov[base + ib] = (cov[base + ib] as number) + (xb - ib) * w;
      }
    }
  }
  for (let i = 0; i < cov.length; i++) if ((cov[i] as number) > 1) cov[i] = 1;
  return cov;
}

/** Separable Gaussian blur in place (edges clamped). */
export function gaussianBlur(
  img: Float32Array,
  width: number,
  height: number,
  sigma: number,
): void {
  if (!(sigma > 0.05)) return;
  const r = Math.ceil(3 * sigma);
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k[i + r] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] = (k[i] as number) / sum;
  const tmp = new Float32Array(img.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) {
        const xx = Math.min(width - 1, Math.max(0, x + i));
        a += (k[i + r] as number) * (img[y * width + xx] as number);
      }
      tmp[y * width + x] = a;
    }
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let a = 0;
      for (let i = -r; i <= r; i++) {
        const yy = Math.min(height - 1, Math.max(0, y + i));
        a += (k[i + r] as number) * (tmp[yy * width + x] as number);
      }
      img[y * width + x] = a;
    }
  }
}
