// What a benchmark hands back, how it is printed beside its baseline, and bench/results/latest.{json,md,txt}.
import fs from "node:fs";
import path from "node:path";
import type { Settled } from "./quiet";

export interface BenchResult {
  name: string;
  app: Record<string, unknown> | null;
  baseline: Record<string, unknown> | null;
  /** The figure the target is about (app ÷ baseline unless the target says otherwise). */
  ratio: number | null;
  target: string | null;
  met: boolean | null;
  note?: string;
}

export interface Measured {
  result: BenchResult;
  /** One-line figures for the console and README. */
  appText: string;
  baselineText: string;
}

export interface Machine {
  cpu: string;
  cores: number;
  memoryGB: number;
  node: string;
  platform: string;
  database: string;
  /** 1-minute load average at start and end: other work on the machine skews every figure. */
  loadAverage: { start: number; end?: number };
  /** Before each timed section, how long the run waited for the machine to settle, and how busy it was then. */
  settled?: ({ section: string } & Settled)[];
  mode: "quick" | "full";
  startedAt: string;
  finishedAt?: string;
  options: string;
}

function verdict(met: boolean | null): string {
  return met === null ? "(no target)" : met ? "met" : "MISSED";
}

export function formatLine(measured: Measured): string {
  const { result } = measured;
  const ratio = result.ratio === null || !Number.isFinite(result.ratio) ? "n/a" : String(result.ratio);
  const lines = [
    `${result.name}`,
    `  app       ${measured.appText}`,
    `  baseline  ${measured.baselineText}`,
    `  ratio     ${ratio}   target ${result.target ?? "none"}   ${verdict(result.met)}`,
  ];
  if (result.note) lines.push(`  note      ${result.note}`);
  return lines.join("\n");
}

/** How long each timed section waited for the machine to settle (bench/lib/quiet.ts). */
function settledText(machine: Machine): string {
  if (!machine.settled?.length) return "";
  const waits = machine.settled.map(({ section, waitedSeconds, busyCores, quiet }) => `${section} ${waitedSeconds} s${quiet ? "" : ` (still ${busyCores ?? "?"} cores busy)`}`);
  return ` Waited for a quiet machine before: ${waits.join(", ")}.`;
}

export function markdown(machine: Machine, measured: readonly Measured[]): string {
  const rows = measured.map(({ result, appText, baselineText }) => {
    const ratio = result.ratio === null || !Number.isFinite(result.ratio) ? "n/a" : String(result.ratio);
    const met = result.met === null ? "—" : result.met ? "met" : "**missed**";
    return `| \`${result.name}\` | ${appText} | ${baselineText} | ${ratio} | ${result.target ?? "—"} | ${met} |`;
  });
  return [
    `Measured ${machine.startedAt} (${machine.mode}: \`${machine.options || "npm run bench"}\`) on ${machine.cpu}, ${machine.cores} cores, ${machine.memoryGB} GB, Node ${machine.node}, ${machine.database}; load average ${machine.loadAverage.start} at start, ${machine.loadAverage.end ?? "?"} at end.${settledText(machine)}`,
    "",
    "| benchmark | app | bare baseline (same run) | ratio | target | |",
    "| --- | --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

export function writeResults(dir: string, machine: Machine, measured: readonly Measured[], consoleText: string): void {
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, "latest.json"), `${JSON.stringify({ machine, results: measured.map((m) => m.result) }, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, "latest.md"), markdown(machine, measured));
  fs.writeFileSync(path.join(dir, "latest.txt"), consoleText);
}
