import { describe, expect, it } from "vitest";
import { lineChart } from "./charts.js";
import { escapeHtml, Report } from "./report.js";

describe("the HTML report", () => {
  it("escapes text, renders charts to inline SVG and links every section", async () => {
    const report = new Report("a <b> & c", ["seed 1"]);
    report
      .section("Loss & accuracy")
      .text("uses `trainTestSplit` <never raw HTML>")
      .chart(
        lineChart({
          id: "loss",
          title: "Loss",
          data: [
            { epoch: 1, loss: 2 },
            { epoch: 2, loss: 1 },
          ],
          x: { field: "epoch" },
          y: { field: "loss" },
        }),
      )
      .table(["k", "v"], [["x", "1.5%"]]);
    const html = await report.html();
    expect(html).toContain("<title>a &lt;b&gt; &amp; c</title>");
    expect(html).toContain("uses <code>trainTestSplit</code> &lt;never raw HTML&gt;");
    expect(html).toContain('<a href="#loss-accuracy">Loss &amp; accuracy</a>');
    expect(html).toMatch(/<figure class="chart" data-chart="loss"><svg [^>]*class="marks"/);
    expect(html).toContain('<td class="num">1.5%</td>');
    expect(html).not.toMatch(/<script|https?:\/\/(?!www\.w3\.org)/);
  });

  it("escapes quotes for attributes", () => {
    expect(escapeHtml(`"a" & <b>`)).toBe("&quot;a&quot; &amp; &lt;b&gt;");
  });
});
