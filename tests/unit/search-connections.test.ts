// How long a search connection, and the plans it made, may live (app/db.server.ts).
import { describe, expect, it } from "vitest";
import { searchConnectionLifetimeSeconds } from "~/db.server";

const withLifetime = (value: string | undefined): NodeJS.ProcessEnv => ({ ...process.env, SEARCH_CONNECTION_LIFETIME_SECONDS: value });

describe("search connection lifetime", () => {
  it("is five minutes unless SEARCH_CONNECTION_LIFETIME_SECONDS names a positive whole number of seconds", () => {
    expect(searchConnectionLifetimeSeconds(withLifetime(undefined))).toBe(300);
    expect(searchConnectionLifetimeSeconds(withLifetime("60"))).toBe(60);
    for (const wrong of ["0", "-5", "1.5", "soon", ""]) expect(searchConnectionLifetimeSeconds(withLifetime(wrong))).toBe(300);
  });
});
