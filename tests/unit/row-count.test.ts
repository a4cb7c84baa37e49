// rowCount (app/db.server.ts): a page size written into a statement, for the plans PostgreSQL keeps.
import { describe, expect, it } from "vitest";
import { rowCount } from "~/db.server";

describe("rowCount", () => {
  it("writes a whole count into the statement, not as a bound value", () => {
    const fragment = rowCount(51);
    expect(fragment.sql).toBe("51");
    expect(fragment.values).toEqual([]);
  });

  it("refuses anything that is not a whole, non-negative count", () => {
    for (const bad of [1.5, -1, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 60]) expect(() => rowCount(bad)).toThrow(/Not a row count/);
  });
});
