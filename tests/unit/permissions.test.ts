import type { HandlingCode, Role } from "@prisma/client";
import { describe, expect, it } from "vitest";
import { can, canSeeItem, isLowering, requirePermission, ROLE_PERMISSIONS, strictest, type Actor, type ItemVisibility } from "~/auth/permissions.server";
import { ForbiddenError, NotFoundError } from "~/utils/errors.server";

const actor = (role: Role, overrides: Partial<Actor> = {}): Actor => ({
  id: `${role}-1`,
  email: `${role}@x`,
  displayName: role,
  role,
  agency: "Agency A",
  status: "ACTIVE",
  taskforceIds: new Set(["tf-1"]),
  ...overrides,
});

const item = (handlingCode: HandlingCode, overrides: Partial<ItemVisibility> = {}): ItemVisibility => ({
  taskforceId: "tf-1",
  handlingCode,
  authorId: "author",
  authorAgency: "Agency A",
  recipientIds: [],
  reviewState: "NONE",
  ...overrides,
});

describe("handling codes (TLP 2.0)", () => {
  it("shows a RED item only to its author and the members named on it", () => {
    expect(canSeeItem(actor("ANALYST", { id: "author" }), item("RED"))).toBe(true);
    expect(canSeeItem(actor("ANALYST", { id: "named" }), item("RED", { recipientIds: ["named"] }))).toBe(true);
    expect(canSeeItem(actor("ANALYST"), item("RED"))).toBe(false);
    expect(canSeeItem(actor("COORDINATOR"), item("RED"))).toBe(false);
  });

  it("shows an AMBER+STRICT item only to the author's agency within the taskforce", () => {
    expect(canSeeItem(actor("ANALYST"), item("AMBER_STRICT"))).toBe(true);
    expect(canSeeItem(actor("ANALYST", { agency: "Agency B" }), item("AMBER_STRICT"))).toBe(false);
  });

  it.each(["AMBER", "GREEN", "CLEAR"] as const)("shows a %s item to every taskforce member", (code) => {
    expect(canSeeItem(actor("ANALYST", { agency: "Agency B" }), item(code))).toBe(true);
  });

  it("hides everything from a member of another taskforce", () => {
    for (const code of ["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"] as const) {
      expect(canSeeItem(actor("ANALYST", { id: "author", taskforceIds: new Set(["tf-2"]) }), item(code))).toBe(false);
    }
  });

  it("shows a liaison only items under review", () => {
    expect(canSeeItem(actor("LIAISON"), item("GREEN"))).toBe(false);
    expect(canSeeItem(actor("LIAISON"), item("GREEN", { reviewState: "REQUESTED" }))).toBe(true);
  });

  it("shows an admin no case content, even as a taskforce member", () => {
    expect(canSeeItem(actor("ADMIN"), item("CLEAR"))).toBe(false);
    expect(ROLE_PERMISSIONS.ADMIN.some((grant) => /^(case|clue|lead|task|comment):/.test(grant))).toBe(false);
  });

  it("hides everything from a suspended user", () => {
    expect(canSeeItem(actor("COORDINATOR", { status: "SUSPENDED" }), item("CLEAR"))).toBe(false);
  });

  it("orders codes strictest first and knows what lowering is", () => {
    expect(strictest(["GREEN", "AMBER_STRICT", "AMBER"])).toBe("AMBER_STRICT");
    expect(isLowering("RED", "AMBER")).toBe(true);
    expect(isLowering("AMBER", "RED")).toBe(false);
  });
});

describe("requirePermission", () => {
  const clue = { type: "clue" as const, ...item("AMBER") };

  it("says not found for what the caller may not see, forbidden for what they may see but not change", () => {
    expect(() => requirePermission(actor("ANALYST", { taskforceIds: new Set() }), "clue:update", clue)).toThrow(NotFoundError);
    expect(() => requirePermission(actor("ANALYST"), "clue:update", clue)).toThrow(ForbiddenError);
    expect(() => requirePermission(actor("ANALYST", { id: "author" }), "clue:update", clue)).not.toThrow();
    expect(() => requirePermission(actor("COORDINATOR"), "clue:update", clue)).not.toThrow();
  });

  it("lets a liaison decide reviews only on items under review", () => {
    expect(can(actor("LIAISON"), "review:decide", { type: "clue", ...item("GREEN", { reviewState: "REQUESTED" }) })).toBe(true);
    expect(can(actor("LIAISON"), "review:decide", { type: "clue", ...item("GREEN") })).toBe(false);
    expect(can(actor("ANALYST"), "review:decide", { type: "clue", ...item("GREEN", { reviewState: "REQUESTED" }) })).toBe(false);
  });

  it("lets only admins manage users", () => {
    expect(can(actor("ADMIN"), "user:manage", { type: "global" })).toBe(true);
    expect(can(actor("COORDINATOR"), "user:manage", { type: "global" })).toBe(false);
  });
});
