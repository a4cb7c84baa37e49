// Small bar charts as inline SVG, drawn with the page (no script, no raster image): a title and a description for
// screen readers (role="img"), sized by attributes (the CSP allows no inline style; CSS keeps them within the page), each bar a link to the filtered list it counts, and always a table beside it with
// the same figures and links (the text alternative; also what a printout or a text browser shows).
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

export interface Bar {
  key: string;
  label: string;
  value: number;
  /** The filtered list this bar counts. */
  href?: string;
}

const ROW = 22;
const LABEL_WIDTH = 150;
const BAR_WIDTH = 260;

/** Horizontal bars, one per row: categories, statuses, assignees. */
export function HorizontalBarChart({ id, title, description, bars }: { id: string; title: string; description: string; bars: readonly Bar[] }) {
  const max = Math.max(1, ...bars.map((bar) => bar.value));
  const height = Math.max(1, bars.length) * ROW + 4;
  const width = LABEL_WIDTH + BAR_WIDTH + 48;
  return (
    <svg className="chart" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${width} ${height}`} width={width} height={height}>
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {bars.map((bar, index) => {
        const y = index * ROW + 2;
        const length = Math.round((bar.value / max) * BAR_WIDTH);
        const shape = (
          <>
            <text x={LABEL_WIDTH - 6} y={y + 14} textAnchor="end" className="chart-label">
              {truncate(bar.label, 22)}
            </text>
            <rect x={LABEL_WIDTH} y={y + 3} width={Math.max(length, bar.value > 0 ? 2 : 0)} height={ROW - 8} className="chart-bar" />
            <text x={LABEL_WIDTH + length + 6} y={y + 14} className="chart-value">
              {bar.value}
            </text>
          </>
        );
        return <g key={bar.key}>{bar.href ? <a href={bar.href} aria-label={`${bar.label}: ${bar.value}`}>{shape}</a> : shape}</g>;
      })}
    </svg>
  );
}

/** Vertical columns over days (oldest first), stacked by series, e.g. clues, leads and tasks recorded. */
export function DailyColumnChart({
  id,
  title,
  description,
  days,
  series,
}: {
  id: string;
  title: string;
  description: string;
  days: readonly { day: string; values: readonly number[]; href?: string }[];
  series: readonly { label: string; className: string }[];
}) {
  const column = 14;
  const plot = 100;
  const width = days.length * column + 8;
  const height = plot + 24;
  const max = Math.max(1, ...days.map((day) => day.values.reduce((sum, value) => sum + value, 0)));
  return (
    <svg className="chart" role="img" aria-labelledby={`${id}-title ${id}-desc`} viewBox={`0 0 ${width} ${height}`} width={width * 2} height={height * 2}>
      <title id={`${id}-title`}>{title}</title>
      <desc id={`${id}-desc`}>{description}</desc>
      {days.map((day, index) => {
        let top = plot;
        const x = 4 + index * column;
        const parts = day.values.map((value, part) => {
          const size = (value / max) * plot;
          top -= size;
          return value > 0 ? <rect key={series[part].label} x={x} y={top} width={column - 3} height={size} className={series[part].className} /> : null;
        });
        const total = day.values.reduce((sum, value) => sum + value, 0);
        const label = (
          <>
            {parts}
            <rect x={x} y={0} width={column - 3} height={plot} className="chart-hit" />
          </>
        );
        return (
          <g key={day.day}>
            {day.href ? <a href={day.href} aria-label={`${day.day}: ${total}`}>{label}</a> : label}
            {index % 7 === 0 || index === days.length - 1 ? (
              <text x={x} y={plot + 16} className="chart-label small">
                {day.day.slice(5)}
              </text>
            ) : null}
          </g>
        );
      })}
      <line x1={2} x2={width - 2} y1={plot + 0.5} y2={plot + 0.5} className="chart-axis" />
    </svg>
  );
}

/** The chart's figures as a table: the text alternative, linked like the bars. */
/** A chart's bars as rows of its ChartTable: the label (a link to what it counts) and the figure. */
export function BarRows({ bars }: { bars: readonly Bar[] }) {
  return (
    <>
      {bars.map((bar) => (
        <tr key={bar.key}>
          <td>{bar.href ? <Link to={bar.href}>{bar.label}</Link> : bar.label}</td>
          <td className="number">{bar.value}</td>
        </tr>
      ))}
    </>
  );
}

export function ChartTable({ caption, columns, children }: { caption: string; columns: readonly string[]; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table className="chart-table">
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

function truncate(text: string, length: number): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text;
}
