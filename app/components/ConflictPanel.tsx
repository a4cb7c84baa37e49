// A stale edit: what the user tried to save next to the newer stored version, field by field.
import type { ReactNode } from "react";

export interface ConflictRow {
  label: string;
  yours: ReactNode;
  theirs: ReactNode;
}

export function ConflictPanel({ kind, message, rows }: { kind: string; message: string; rows: readonly ConflictRow[] }) {
  const differing = rows.filter((row) => String(row.yours) !== String(row.theirs));
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-heading">
      <h2 id="conflict-heading">{`Someone else changed this ${kind} since you opened it`}</h2>
      <p>{message}</p>
      <div className="table-scroll">
        <table>
          <caption className="sr-only">Your edit compared with the newer version</caption>
          <thead>
            <tr>
              <th scope="col">Field</th>
              <th scope="col">Your edit (kept in the form below)</th>
              <th scope="col">Newer version now stored</th>
            </tr>
          </thead>
          <tbody>
            {(differing.length ? differing : rows).map((row) => (
              <tr key={row.label}>
                <th scope="row">{row.label}</th>
                <td className="pre-wrap">{row.yours}</td>
                <td className="pre-wrap">{row.theirs}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p>To keep your edit, check it against the newer version and save again: it will then apply over the newer version.</p>
    </section>
  );
}
