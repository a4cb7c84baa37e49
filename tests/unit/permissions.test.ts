import type { HandlingCode, Role } from "@prisma/client";
import { describe, expect, it } from "vitest";
import {
  ADMINISTRATION,
  mayReachApiPath,
  audiencesOfActor,
  audiencesOfEvent,
  can,
  canReceiveEvent,
  canRequestReview,
  canSeeComment,
  canSeeItem,
  canSeeVersion,
  HANDLING_CODES,
  isLowering,
  isWorkingMember,
  looserThan,
  mayHoldWork,
  requirePermission,
  requireTaskChange,
  reviewStateAfterCodeChange,
  reviewStateAfterEdit,
  ROLE_PERMISSIONS,
  strictest,
  taskEventVisibility,
  taskforceWide,
  versionsVisibleTo,
  workingTaskforceIds,
  type Actor,
  type ItemVisibility,
  type VersionVisibility,
} from "~/auth/permissions.server";
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
    expect(can(actor("ADMIN"), "user:manage", ADMINISTRATION)).toBe(true);
    expect(can(actor("COORDINATOR"), "user:manage", ADMINISTRATION)).toBe(false);
  });

  it("hides the administration from everyone but an active admin: not found, never forbidden", () => {
    for (const role of ["ANALYST", "COORDINATOR", "LIAISON"] as const) {
      expect(() => requirePermission(actor(role), "user:manage", ADMINISTRATION)).toThrow(NotFoundError);
      expect(mayReachApiPath(actor(role), "/api/v1/admin/users")).toBe(false);
      expect(mayReachApiPath(actor(role), "/api/v1/admin")).toBe(false);
      expect(mayReachApiPath(actor(role), "/api/v1/cases")).toBe(true);
      expect(mayReachApiPath(actor(role), "/api/v1/administrators")).toBe(true);
    }
    expect(() => requirePermission(actor("ADMIN", { status: "SUSPENDED" }), "taskforce:manage", ADMINISTRATION)).toThrow(NotFoundError);
    expect(mayReachApiPath(actor("ADMIN"), "/api/v1/admin/taskforces")).toBe(true);
  });
});

describe("working membership", () => {
  it("counts active members of the taskforce, never an admin or a suspended account", () => {
    expect(isWorkingMember(actor("ANALYST"), "tf-1")).toBe(true);
    expect(isWorkingMember(actor("LIAISON"), "tf-1")).toBe(true);
    expect(isWorkingMember(actor("ANALYST"), "tf-2")).toBe(false);
    expect(isWorkingMember(actor("ADMIN"), "tf-1")).toBe(false);
    expect(isWorkingMember(actor("COORDINATOR", { status: "SUSPENDED" }), "tf-1")).toBe(false);
    expect(workingTaskforceIds(actor("ADMIN"))).toEqual([]);
    expect(workingTaskforceIds(actor("ANALYST", { taskforceIds: new Set(["tf-1", "tf-2"]) }))).toEqual(["tf-1", "tf-2"]);
  });

  it("lets analysts and coordinators hold leads and tasks, never liaisons or admins", () => {
    expect((["ANALYST", "COORDINATOR", "LIAISON", "ADMIN"] as const).filter((role) => mayHoldWork({ role }))).toEqual(["ANALYST", "COORDINATOR"]);
  });
});

describe("review state", () => {
  it("offers review only for GREEN or CLEAR items not already waiting, to their author or a coordinator", () => {
    const green = { type: "clue" as const, ...item("GREEN") };
    expect(canRequestReview(actor("ANALYST", { id: "author" }), green)).toBe(true);
    expect(canRequestReview(actor("COORDINATOR"), green)).toBe(true);
    expect(canRequestReview(actor("ANALYST"), green)).toBe(false);
    expect(canRequestReview(actor("COORDINATOR"), { ...green, reviewState: "REQUESTED" })).toBe(false);
    expect(canRequestReview(actor("COORDINATOR"), { ...green, handlingCode: "AMBER" })).toBe(false);
  });

  it("takes an item out of review when its code becomes stricter, and voids an approval on any edit", () => {
    expect(reviewStateAfterCodeChange("AMBER", "REQUESTED")).toBe("NONE");
    expect(reviewStateAfterCodeChange("CLEAR", "REQUESTED")).toBe("REQUESTED");
    expect(reviewStateAfterEdit("GREEN", "APPROVED")).toBe("NONE");
    expect(reviewStateAfterEdit("GREEN", "REJECTED")).toBe("REJECTED");
  });

  it("declares the codes once, strictest first, and knows which are looser", () => {
    expect(HANDLING_CODES).toEqual(["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"]);
    expect(looserThan("AMBER")).toEqual(["GREEN", "CLEAR"]);
    expect(looserThan("CLEAR")).toEqual([]);
  });
});

describe("room events", () => {
  it("sends case-level events to the taskforce's working members, not to liaisons or admins", () => {
    const event = { taskforceId: "tf-1", visibility: taskforceWide("tf-1") };
    expect(canReceiveEvent(actor("ANALYST"), event)).toBe(true);
    expect(canReceiveEvent(actor("LIAISON"), event)).toBe(false);
    expect(canReceiveEvent(actor("ADMIN"), event)).toBe(false);
    expect(canReceiveEvent(actor("ANALYST", { taskforceIds: new Set(["tf-2"]) }), event)).toBe(false);
  });

  it("sends an item's events to those who may see the item, and a task's on a lead to the lead's readers without liaisons", () => {
    expect(canReceiveEvent(actor("ANALYST", { agency: "Agency B" }), { taskforceId: "tf-1", visibility: item("AMBER_STRICT") })).toBe(false);
    const onLead = taskEventVisibility("tf-1", item("GREEN", { reviewState: "REQUESTED" }));
    expect(canReceiveEvent(actor("ANALYST"), { taskforceId: "tf-1", visibility: onLead })).toBe(true);
    expect(canReceiveEvent(actor("LIAISON"), { taskforceId: "tf-1", visibility: onLead })).toBe(false);
  });
});

describe("history: versions and comments", () => {
  const version = (n: number, handlingCode: ItemVisibility["handlingCode"], overrides: Partial<VersionVisibility> = {}) => ({
    version: n,
    handlingCode,
    recipientIds: [] as string[],
    reviewState: "NONE" as const,
    ...overrides,
  });
  // Issue 10: written under AMBER, rewritten and lowered to GREEN, then sent to review.
  const reviewed = item("GREEN", { reviewState: "REQUESTED" });
  const amberThenReviewed = [version(1, "AMBER"), version(2, "GREEN", { reviewState: "REQUESTED" })];

  it("shows a liaison the reviewed version and not the one written under AMBER before it", () => {
    expect(canSeeVersion(actor("LIAISON"), reviewed, amberThenReviewed[1])).toBe(true);
    expect(canSeeVersion(actor("LIAISON"), reviewed, amberThenReviewed[0])).toBe(false);
  });

  it("keeps from a liaison a GREEN version written before the item went to review", () => {
    expect(canSeeVersion(actor("LIAISON"), item("GREEN", { reviewState: "REQUESTED" }), version(1, "GREEN"))).toBe(false);
  });

  it("withholds the earlier side of a change whose earlier version the reader could not see", () => {
    const seen = versionsVisibleTo(actor("LIAISON"), reviewed, amberThenReviewed);
    expect(seen.map(({ version: v, sawPrevious }) => [v.version, sawPrevious])).toEqual([[2, false]]);
    const seenByTaskforce = versionsVisibleTo(actor("ANALYST"), reviewed, amberThenReviewed);
    expect(seenByTaskforce.map(({ version: v, sawPrevious }) => [v.version, sawPrevious])).toEqual([[1, true], [2, true]]);
  });

  it("shows a reader whose sight was lost and regained only the versions from when they could see the item", () => {
    const history = [version(1, "GREEN"), version(2, "RED"), version(3, "AMBER")];
    const seen = versionsVisibleTo(actor("ANALYST", { id: "not-named" }), item("AMBER"), history);
    expect(seen.map(({ version: v, sawPrevious }) => [v.version, sawPrevious])).toEqual([[1, true], [3, false]]);
  });

  it("shows a RED version only to the author and the members named on it then, not to members named later", () => {
    const now = item("RED", { recipientIds: ["named-later"] });
    const redVersion = version(1, "RED", { recipientIds: ["named-then"] });
    expect(canSeeVersion(actor("ANALYST", { id: "author" }), now, redVersion)).toBe(true);
    expect(canSeeVersion(actor("ANALYST", { id: "named-later" }), now, redVersion)).toBe(false);
  });

  it("shows no version of an item the reader may not see now, whatever it was then", () => {
    expect(canSeeVersion(actor("LIAISON"), item("AMBER"), version(1, "GREEN", { reviewState: "REQUESTED" }))).toBe(false);
    expect(canSeeVersion(actor("ANALYST", { agency: "Agency B" }), item("AMBER_STRICT"), version(1, "GREEN"))).toBe(false);
  });

  it("shows a comment only to those who could see its item when it was written and can see it now", () => {
    const parent = { type: "clue" as const, ...reviewed };
    const underAmber = { authorId: "author", taskforceId: "tf-1", visibility: item("AMBER") };
    const inReview = { authorId: "author", taskforceId: "tf-1", visibility: item("GREEN", { reviewState: "REQUESTED" }) };
    expect(canSeeComment(actor("LIAISON"), parent, underAmber)).toBe(false);
    expect(canSeeComment(actor("LIAISON"), parent, inReview)).toBe(true);
    expect(canSeeComment(actor("ANALYST"), parent, underAmber)).toBe(true);
    // Raised since: the comment goes with its item.
    expect(canSeeComment(actor("ANALYST"), { type: "clue", ...item("RED") }, inReview)).toBe(false);
  });

  it("shows a task's comment written while its lead was AMBER+STRICT only to the author's agency", () => {
    const task = { type: "task" as const, taskforceId: "tf-1", assigneeId: "a", createdById: "c", lead: item("AMBER") };
    const comment = { authorId: "a", taskforceId: "tf-1", visibility: taskEventVisibility("tf-1", item("AMBER_STRICT")) };
    expect(canSeeComment(actor("ANALYST"), task, comment)).toBe(true);
    expect(canSeeComment(actor("ANALYST", { agency: "Agency B" }), task, comment)).toBe(false);
  });
});

describe("task changes", () => {
  const task = { type: "task" as const, taskforceId: "tf-1", assigneeId: "assignee", createdById: "coordinator", lead: null };

  it("lets the assignee move the status but only a coordinator change the details", () => {
    expect(() => requireTaskChange(actor("ANALYST", { id: "assignee" }), task, { details: false, status: true })).not.toThrow();
    expect(() => requireTaskChange(actor("ANALYST", { id: "assignee" }), task, { details: true, status: false })).toThrow(ForbiddenError);
    expect(() => requireTaskChange(actor("ANALYST"), task, { details: false, status: true })).toThrow(ForbiddenError);
    expect(() => requireTaskChange(actor("COORDINATOR"), task, { details: true, status: true })).not.toThrow();
    expect(() => requireTaskChange(actor("LIAISON"), task, { details: false, status: true })).toThrow(NotFoundError);
  });
});

describe("event audiences (Socket.IO rooms chosen from visibility)", () => {
  const people: Actor[] = [
    actor("ANALYST", { id: "author" }),
    actor("ANALYST", { id: "named" }),
    actor("ANALYST", { id: "same-agency" }),
    actor("ANALYST", { id: "other-agency", agency: "Agency B" }),
    actor("COORDINATOR", { id: "coordinator" }),
    actor("LIAISON", { id: "liaison" }),
    actor("LIAISON", { id: "liaison-b", agency: "Agency B" }),
    actor("LIAISON", { id: "named-liaison" }),
  ];
  const visibilities = (["RED", "AMBER_STRICT", "AMBER", "GREEN", "CLEAR"] as const).flatMap((code) =>
    (["NONE", "REQUESTED", "APPROVED", "REJECTED"] as const).map((reviewState) => item(code, { reviewState, recipientIds: ["named", "named-liaison"] })),
  );

  it("reach exactly the working members canReceiveEvent lets receive it, for every code, review state and reader", () => {
    for (const visibility of [...visibilities, taskforceWide("tf-1"), { taskforceId: "tf-1", taskforceWide: true as const }]) {
      const rooms = new Set(audiencesOfEvent(visibility));
      for (const person of people) {
        const reached = audiencesOfActor(person).some((audience) => rooms.has(audience));
        expect(reached, `${person.id} ${JSON.stringify(visibility)}`).toBe(canReceiveEvent(person, { taskforceId: "tf-1", visibility }));
      }
    }
  });
});
