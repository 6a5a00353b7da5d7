import { mkdir, writeFile } from "node:fs/promises";
import * as path from "node:path";
import { type Chart, renderChartSvg } from "./charts.js";

/**
 * A self-contained HTML report: inline CSS, charts as inline SVG, images as PNG data URIs.
 * No scripts and no network, so it opens from a file anywhere.
 */
export interface ReportImage {
  src: string;
  caption: string;
  /** Marks a right (true) or wrong (false) prediction. */
  ok?: boolean;
  /** Display width in CSS pixels (the image is scaled with crisp pixels). */
  width?: number;
}

type Block =
  | { kind: "text"; html: string }
  | { kind: "chart"; chart: Chart }
  | { kind: "table"; head: string[]; rows: (string | number)[][]; caption?: string }
  | { kind: "images"; items: ReportImage[]; caption?: string }
  | { kind: "pre"; text: string };

export function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}

export class ReportSection {
  readonly blocks: Block[] = [];
  constructor(
    readonly title: string,
    readonly id: string,
  ) {}

  /** A paragraph of plain text (escaped); `code` spans may be written with backticks. */
  text(paragraph: string): this {
    const html = escapeHtml(paragraph).replace(/`([^`]+)`/g, "<code>$1</code>");
    this.blocks.push({ kind: "text", html });
    return this;
  }

  chart(chart: Chart): this {
    this.blocks.push({ kind: "chart", chart });
    return this;
  }

  table(head: string[], rows: (string | number)[][], caption?: string): this {
    this.blocks.push({ kind: "table", head, rows, ...(caption ? { caption } : {}) });
    return this;
  }

  images(items: ReportImage[], caption?: string): this {
    this.blocks.push({ kind: "images", items, ...(caption ? { caption } : {}) });
    return this;
  }

  pre(text: string): this {
    this.blocks.push({ kind: "pre", text });
    return this;
  }
}

const CSS = `
:root { color-scheme: light; }
body { font: 15px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: #222; margin: 0; background: #fafafa; }
header { background: #1f2a44; color: #fff; padding: 1.2rem 2rem; }
header h1 { margin: 0 0 .3rem; font-size: 1.5rem; }
header p { margin: .1rem 0; opacity: .9; font-size: .9rem; }
nav { padding: .6rem 2rem; background: #eef1f6; font-size: .9rem; }
nav a { margin-right: 1rem; color: #1f4fa0; text-decoration: none; }
main { padding: 0 2rem 3rem; max-width: 1100px; }
section { background: #fff; border: 1px solid #e3e3e3; border-radius: 6px; margin: 1.2rem 0; padding: .4rem 1.4rem 1rem; }
h2 { font-size: 1.2rem; border-bottom: 1px solid #eee; padding-bottom: .3rem; }
figure { margin: 1rem 0; overflow-x: auto; }
figure.chart svg { max-width: 100%; height: auto; }
figcaption { font-size: .85rem; color: #555; margin-top: .3rem; }
table { border-collapse: collapse; margin: .8rem 0; font-size: .9rem; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: left; }
th { background: #f3f5f8; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
pre { background: #f6f8fa; padding: .8rem; white-space: pre-wrap; font-size: .85rem; }
code { background: #f1f1f1; padding: 0 .2rem; border-radius: 3px; font-size: .9em; }
.images { display: flex; flex-wrap: wrap; gap: .6rem; }
.images figure { margin: 0; text-align: center; }
.images img { image-rendering: pixelated; border: 2px solid #ccc; background: #000; }
.images figure.ok img { border-color: #2e8b57; }
.images figure.wrong img { border-color: #c62828; }
.images figcaption { font-family: ui-monospace, monospace; }
`;

export class Report {
  readonly sections: ReportSection[] = [];
  private readonly ids = new Set<string>();

  constructor(
    readonly title: string,
    readonly subtitle: string[] = [],
  ) {}

  section(title: string): ReportSection {
    let id =
      title
        .toLowerCase()
        .replace(/[^a-z0-9]+/g, "-")
        .replace(/^-|-$/g, "") || "section";
    while (this.ids.has(id)) id += "-x";
    this.ids.add(id);
    const s = new ReportSection(title, id);
    this.sections.push(s);
    return s;
  }

  /** All charts in the report, in order. */
  get charts(): Chart[] {
    return this.sections.flatMap((s) =>
      s.blocks.flatMap((b) => (b.kind === "chart" ? [b.chart] : [])),
    );
  }

  async html(): Promise<string> {
    const parts: string[] = [];
    for (const s of this.sections) {
      parts.push(`<section id="${s.id}"><h2>${escapeHtml(s.title)}</h2>`);
      for (const b of s.blocks) parts.push(await renderBlock(b));
      parts.push("</section>");
    }
    const nav = this.sections.map((s) => `<a href="#${s.id}">${escapeHtml(s.title)}</a>`).join("");
    return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(this.title)}</title>
<style>${CSS}</style>
</head>
<body>
<header><h1>${escapeHtml(this.title)}</h1>${this.subtitle.map((l) => `<p>${escapeHtml(l)}</p>`).join("")}</header>
<nav>${nav}</nav>
<main>
${parts.join("\n")}
</main>
</body>
</html>
`;
  }

  /** Writes `<dir>/report.html` and returns its path. */
  async write(dir: string): Promise<string> {
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, "report.html");
    await writeFile(file, await this.html());
    return file;
  }
}

function isNumeric(cell: string | number): boolean {
  return typeof cell === "number" || /^[-+]?[\d.,]+\s*(%|x|s|B|KiB|MiB|ms)?$/.test(cell.trim());
}

async function renderBlock(b: Block): Promise<string> {
  switch (b.kind) {
    case "text":
      return `<p>${b.html}</p>`;
    case "pre":
      return `<pre>${escapeHtml(b.text)}</pre>`;
    case "chart": {
      const svg = await renderChartSvg(b.chart);
      const caption = b.chart.caption
        ? `<figcaption>${escapeHtml(b.chart.caption)}</figcaption>`
        : "";
      return `<figure class="chart" data-chart="${escapeHtml(b.chart.id)}">${svg}${caption}</figure>`;
    }
    case "table": {
      const head = `<tr>${b.head.map((h) => `<th>${escapeHtml(h)}</th>`).join("")}</tr>`;
      const rows = b.rows
        .map(
          (r) =>
            `<tr>${r.map((c) => `<td${isNumeric(c) ? ' class="num"' : ""}>${escapeHtml(String(c))}</td>`).join("")}</tr>`,
        )
        .join("");
      const caption = b.caption ? `<caption>${escapeHtml(b.caption)}</caption>` : "";
      return `<table>${caption}${head}${rows}</table>`;
    }
    case "images": {
      const items = b.items
        .map((img) => {
          const cls = img.ok === undefined ? "" : img.ok ? ' class="ok"' : ' class="wrong"';
          const width = img.width ? ` width="${img.width}"` : "";
          return `<figure${cls}><img src="${img.src}" alt="${escapeHtml(img.caption)}"${width}><figcaption>${escapeHtml(img.caption)}</figcaption></figure>`;
        })
        .join("");
      const caption = b.caption ? `<p>${escapeHtml(b.caption)}</p>` : "";
      return `${caption}<div class="images">${items}</div>`;
    }
  }
}
