/**
 * Progress for long steps: a redrawn bar on a terminal, plain lines otherwise (logs, CI, pipes).
 */
export interface Stat {
  label: string;
  value: string;
}

export interface Output {
  write(text: string): unknown;
  isTTY?: boolean;
}

function formatSeconds(seconds: number): string {
  if (!Number.isFinite(seconds)) return "?";
  if (seconds < 60) return `${seconds.toFixed(0)}s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes}m${String(Math.round(seconds - minutes * 60)).padStart(2, "0")}s`;
}

export class ProgressBar {
  private readonly started = performance.now();
  private lastDraw = 0;
  private done = 0;

  constructor(
    private readonly out: Output,
    private readonly label: string,
    private readonly total: number,
    private readonly width = 24,
  ) {}

  /** Seconds since the bar started. */
  get elapsed(): number {
    return (performance.now() - this.started) / 1000;
  }

  /** Moves to `done` of `total`. Redraws at most 10 times a second on a terminal. */
  update(done: number, stats: Stat[] = []): void {
    this.done = done;
    if (!this.out.isTTY) return;
    const now = performance.now();
    if (now - this.lastDraw < 100 && done < this.total) return;
    this.lastDraw = now;
    this.out.write(`\r${this.render(stats)}\u001b[K`);
  }

  /** Ends the bar: the final state on its own line (the only line when not on a terminal). */
  finish(stats: Stat[] = []): void {
    this.done = this.total;
    this.out.write(
      this.out.isTTY ? `\r${this.render(stats)}\u001b[K\n` : `${this.render(stats)}\n`,
    );
  }

  private render(stats: Stat[]): string {
    const fraction = this.total > 0 ? Math.min(1, this.done / this.total) : 1;
    const filled = Math.round(fraction * this.width);
    const bar = `[${"#".repeat(filled)}${"-".repeat(this.width - filled)}]`;
    const eta =
      fraction > 0 ? (this.elapsed * (1 - fraction)) / fraction : Number.POSITIVE_INFINITY;
    const parts = [
      `${this.label} ${bar} ${this.done}/${this.total}`,
      ...stats.map((s) => `${s.label} ${s.value}`),
      fraction < 1 ? `ETA ${formatSeconds(eta)}` : `${formatSeconds(this.elapsed)}`,
    ];
    return parts.join("  ");
  }
}
