import { describe, expect, it } from "vitest";
import { validateAccessToken } from "~/auth/session.server";
import { prisma } from "~/db.server";
import { hashToken, listAccessTokens, revokeAccessToken } from "~/models/tokens.server";
import { NotFoundError, ValidationError } from "~/utils/errors.server";
import { createActor } from "../helpers/factories";
import { createAccessToken } from "../helpers/edge";

describe("personal access tokens", () => {
  it("returns the token once as cbt_ + 32 random bytes, and stores only its SHA-256", async () => {
    const owner = await createActor();
    const { token, summary } = await createAccessToken(owner, { name: "Export script" });
    expect(token).toMatch(/^cbt_[A-Za-z0-9_-]{43}$/);
    const row = await prisma.accessToken.findUniqueOrThrow({ where: { id: summary.id } });
    expect(row.tokenHash).toBe(hashToken(token));
    expect(JSON.stringify(row)).not.toContain(token.slice(4));
    expect(await listAccessTokens(owner)).toEqual([expect.objectContaining({ id: summary.id, name: "Export script" })]);
    expect(await prisma.auditEvent.count({ where: { action: "token.create", itemId: summary.id } })).toBe(1);
  });

  it("expires after 90 days by default, or after the days asked for", async () => {
    const owner = await createActor();
    const day = 24 * 3600 * 1000;
    const standard = await createAccessToken(owner, { name: "standard" });
    expect(Math.round((standard.summary.expiresAt.getTime() - Date.now()) / day)).toBe(90);
    const short = await createAccessToken(owner, { name: "short", days: "7" });
    expect(Math.round((short.summary.expiresAt.getTime() - Date.now()) / day)).toBe(7);
  });

  it("refuses a nameless token, a silly lifetime and a name carrying media", async () => {
    const owner = await createActor();
    await expect(createAccessToken(owner, { name: "  " })).rejects.toBeInstanceOf(ValidationError);
    await expect(createAccessToken(owner, { name: "ok", days: 0 })).rejects.toMatchObject({ fields: { days: [expect.any(String)] } });
    await expect(createAccessToken(owner, { name: "ok", days: 5000 })).rejects.toMatchObject({ fields: { days: [expect.any(String)] } });
    await expect(createAccessToken(owner, { name: "<img src=x>" })).rejects.toMatchObject({ fields: { name: [expect.stringContaining("text-only")] } });
  });

  it("records when a token was last used", async () => {
    const owner = await createActor();
    const { token, summary } = await createAccessToken(owner, { name: "used" });
    expect(summary.lastUsedAt).toBeNull();
    await validateAccessToken(token);
    expect((await prisma.accessToken.findUniqueOrThrow({ where: { id: summary.id } })).lastUsedAt).not.toBeNull();
  });

  it("lets only the owner revoke a token; someone else's is not found", async () => {
    const owner = await createActor();
    const stranger = await createActor();
    const { token, summary } = await createAccessToken(owner, { name: "mine" });
    await expect(revokeAccessToken(stranger, summary.id)).rejects.toBeInstanceOf(NotFoundError);
    expect(await validateAccessToken(token)).not.toBeNull();
    await revokeAccessToken(owner, summary.id);
    expect(await validateAccessToken(token)).toBeNull();
    expect(await prisma.auditEvent.count({ where: { action: "token.revoke", itemId: summary.id } })).toBe(1);
  });
});
