// CSV cells: quoted when they must be, and never read as a formula by a spreadsheet (CSV injection).
import { describe, expect, it } from "vitest";
import { csvCell, toCsv } from "~/utils/csv";

describe("csv cells", () => {
  it.each(["=1+1", "+1", "-2", "@SUM(A1)", "\tTAB", "\rCR"])("prefixes %j with an apostrophe", (value) => {
    expect(csvCell(value).replace(/^"/, "")).toMatch(/^'/);
  });

  it("leaves ordinary text, numbers and negative numbers as numbers alone", () => {
    expect(csvCell("Power socket type F")).toBe("Power socket type F");
    expect(csvCell(-3)).toBe("-3");
    expect(csvCell(null)).toBe("");
  });

  it("quotes commas, quotes and line breaks", () => {
    expect(csvCell('a "b", c')).toBe('"a ""b"", c"');
    expect(csvCell("=x,y")).toBe(`"'=x,y"`);
    expect(csvCell("line\nbreak")).toBe('"line\nbreak"');
  });

  it("writes a header and rows in column order with CRLF", () => {
    expect(toCsv(["a", "b"], [{ b: 2, a: "x" }, { a: "=y" }])).toBe("a,b\r\nx,2\r\n'=y,\r\n");
  });
});
