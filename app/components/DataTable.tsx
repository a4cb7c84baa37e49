// A table of records: a caption for screen readers, one row of column headings, then the rows given. On a narrow
// screen it scrolls sideways in its own box (styles.css .table-scroll) instead of widening the page.
import type { ReactNode } from "react";

/** A column heading; `{ hidden }` is for screen readers only (e.g. a column of buttons needs no visible heading). */
export type Column = string | { hidden: string };

export function DataTable({ caption, columns, children }: { caption: string; columns: readonly Column[]; children: ReactNode }) {
  return (
    <div className="table-scroll">
      <table>
        <caption className="sr-only">{caption}</caption>
        <thead>
          <tr>
            {columns.map((column) =>
              typeof column === "string" ? (
                <th scope="col" key={column}>
                  {column}
                </th>
              ) : (
                <th scope="col" key={column.hidden}>
                  <span className="sr-only">{column.hidden}</span>
                </th>
              ),
            )}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
