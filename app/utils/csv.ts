// CSV for spreadsheets (RFC 4180, CRLF), safe against formula injection: a cell that a spreadsheet would read
// as a formula (it starts with = + - @, or a tab or carriage return that some strip first) is prefixed with an
// apostrophe, so it is shown as the text it is (OWASP "CSV injection").

const FORMULA_START = /^[=+\-@\t\r]/;

export type CsvValue = string | number | boolean | Date | null | undefined;

export function csvCell(value: CsvValue): string {
  if (value === null || value === undefined) return "";
  let text = value instanceof Date ? value.toISOString() : String(value);
  if (typeof value === "string" && FORMULA_START.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvLine(values: readonly CsvValue[]): string {
  return `${values.map(csvCell).join(",")}\r\n`;
}

/** A header line and one line per row, the columns in the header's order. */
export function toCsv<K extends string>(columns: readonly K[], rows: Iterable<Partial<Record<K, CsvValue>>>): string {
  let out = csvLine(columns);
  for (const row of rows) out += csvLine(columns.map((column) => row[column]));
  return out;
}

/** A download: text/csv with a file name (only safe characters reach the header). */
export function csvResponse(body: string, fileName: string, headers: Record<string, string> = {}): Response {
  const safeName = fileName.replace(/[^A-Za-z0-9._-]/g, "_");
  return new Response(body, {
    status: 200,
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${safeName}"`, "Cache-Control": "no-store", ...headers },
  });
}
