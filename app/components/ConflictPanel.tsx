// A stale edit: what the user tried to save next to the newer stored version, field by field. The rest of the
// page is brought to the version the panel names (reloaded when it shows an older one), so the user compares
// their edit with one version, not with a panel of one version and a page of another.
import { useRevalidator } from "@remix-run/react";
import { useEffect, type ReactNode } from "react";

export interface ConflictRow {
  label: string;
  yours: ReactNode;
  theirs: ReactNode;
}

export function ConflictPanel({
  kind,
  message,
  rows,
  pageVersion,
  namedVersion,
}: {
  kind: string;
  message: string;
  rows: readonly ConflictRow[];
  /** The version the rest of the page shows, and the one the panel names: the page reloads while it is older. */
  pageVersion?: number;
  namedVersion?: number;
}) {
  const revalidator = useRevalidator();
  const pageIsOlder = pageVersion !== undefined && namedVersion !== undefined && pageVersion < namedVersion;
  useEffect(() => {
    if (pageIsOlder && revalidator.state === "idle") revalidator.revalidate();
  }, [pageIsOlder, revalidator]);
  const differing = rows.filter((row) => String(row.yours) !== String(row.theirs));
  return (
    <section className="conflict" role="alert" aria-labelledby="conflict-heading">
      <h2 id="conflict-heading">{`Someone else changed this ${kind} since you opened it`}</h2>
      <p>{message}</p>
      {namedVersion !== undefined ? (
        <p className="muted" data-testid="conflict-version">
          {pageIsOlder ? `Loading version ${namedVersion} into the rest of this page…` : `The rest of this page shows version ${pageVersion ?? namedVersion}.`}
        </p>
      ) : null}
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
