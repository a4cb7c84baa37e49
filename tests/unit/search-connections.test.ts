// How long a search connection, and the plans it made, may live (app/db.server.ts).
import { describe, expect, it } from "vitest";
import { searchConnectionLifetimeSeconds } from "~/db.server";

describe("search connection lifetime", () => {
  it("is five minutes unless SEARCH_CONNECTION_LIFETIME_SECONDS names a positive whole number of seconds", () => {
    expect(searchConnectionLifetimeSeconds({})).toBe(300);
    expect(searchConnectionLifetimeSeconds({ SEARCH_CONNECTION_LIFETIME_SECONDS: "60" })).toBe(60);
    for (const wrong of ["0", "-5", "1.5", "soon", ""]) expect(searchConnectionLifetimeSeconds({ SEARCH_CONNECTION_LIFETIME_SECONDS: wrong })).toBe(300);
  });
});
