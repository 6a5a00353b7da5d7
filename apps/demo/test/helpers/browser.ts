/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

/** Debian's Chromium, or the browser named by TRAINKIT_CHROMIUM. */
export const CHROMIUM = process.env.TRAINKIT_CHROMIUM || "/usr/bin/chromium";
const found = existsSync(CHROMIUM);
/** In CI (CI=true, as `.ci/run` sets it) the browser checks never skip: a missing browser fails them. */
const required = ["true", "1"].includes((process.env.CI ?? "").toLowerCase());
/** Whether the browser checks run: Chromium is here, or CI requires them (and they then fail). */
export const hasChromium = found || required;
if (!found && !required) {
  console.warn(
    `skipping the browser checks of the HTML reports: ${CHROMIUM} is missing (Debian: apt-get install chromium)`,
  );
}

export interface ReportInBrowser {
  title: string;
  /** Console errors, page errors and failed loads. */
  errors: string[];
  /** Requests for anything but the file itself and data: URIs (the report must need no network). */
  external: string[];
  charts: { id: string; marks: number; items: number; width: number; height: number }[];
  images: { alt: string; width: number; loaded: boolean }[];
}

/** Opens a report in Debian's Chromium (headless) and reports what rendered. */
export async function openReport(file: string): Promise<ReportInBrowser> {
  if (!found) {
    throw new Error(
      `${CHROMIUM} is missing and CI=true requires the browser checks of the HTML reports: install Debian's Chromium (apt-get install chromium), point TRAINKIT_CHROMIUM at a Chromium, or unset CI to skip them locally.`,
    );
  }
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
    ],
  });
  try {
    const page = await browser.newPage();
    const errors: string[] = [];
    const external: string[] = [];
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(`console: ${m.text()}`);
    });
    page.on("pageerror", (e) => errors.push(`page: ${e.message}`));
    page.on("requestfailed", (r) => errors.push(`failed: ${r.url()}`));
    await page.route("**/*", (route) => {
      const url = route.request().url();
      if (url.startsWith("file:") || url.startsWith("data:")) return route.continue();
      external.push(url);
      return route.abort();
    });
    await page.goto(pathToFileURL(file).href, { waitUntil: "load" });
    const found = await page.evaluate(() => {
      const charts = [...document.querySelectorAll("figure.chart")].map((fig) => {
        const svg = fig.querySelector("svg");
        const box = svg?.getBoundingClientRect();
        const marks = svg ? svg.querySelectorAll("g.role-mark") : [];
        let items = 0;
        for (const m of marks) items += m.querySelectorAll("path, rect, line, text, circle").length;
        return {
          id: fig.getAttribute("data-chart") ?? "",
          marks: marks.length,
          items,
          width: box?.width ?? 0,
          height: box?.height ?? 0,
        };
      });
      const images = [...document.querySelectorAll("img")].map((img) => ({
        alt: img.alt,
        width: img.naturalWidth,
        loaded: img.complete && img.naturalWidth > 0,
      }));
      return { title: document.title, charts, images };
    });
    return { ...found, errors, external };
  } finally {
    await browser.close();
  }
}
