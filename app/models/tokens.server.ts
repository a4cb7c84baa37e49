// Personal access tokens for tools (Authorization: Bearer cbt_...): a request with one acts as its owner with
// exactly the owner's permissions. Only the SHA-256 of a token is stored; the plaintext is shown once.
import { createHash, randomBytes } from "node:crypto";
import type { AccessToken, User } from "@prisma/client";
import type { Actor } from "~/auth/permissions.server";
import { prisma } from "~/db.server";
import { appendAudit, type RequestOrigin } from "~/models/audit.server";
import { revokeRealtimeAccess } from "~/models/rooms.server";
import { NotFoundError } from "~/utils/errors.server";
import type { NewTokenInput } from "~/validation/accounts";


export const TOKEN_PREFIX = "cbt_";
const DAY_MS = 24 * 60 * 60 * 1000;
// lastUsedAt is for "is this token still in use?", not an access log (the audit trail is): a minute is precise enough.
const LAST_USED_RESOLUTION_MS = 60_000;

export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

export interface TokenSummary {
  id: string;
  name: string;
  createdAt: Date;
  expiresAt: Date;
  revokedAt: Date | null;
  lastUsedAt: Date | null;
}

function summaryOf(token: AccessToken): TokenSummary {
  const { id, name, createdAt, expiresAt, revokedAt, lastUsedAt } = token;
  return { id, name, createdAt, expiresAt, revokedAt, lastUsedAt };
}

/**
 * Issues a token for `owner`; returns the plaintext once. `by` is who asked (the owner on the account page,
 * null for the command line, which runs with database rights).
 */
export async function issueAccessToken(
  owner: Pick<User, "id" | "email">,
  { name, days }: NewTokenInput,
  by: { actor: { id: string; email: string } | null; origin?: RequestOrigin },
): Promise<{ token: string; summary: TokenSummary }> {
  const token = `${TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  const created = await prisma.$transaction(async (tx) => {
    const row = await tx.accessToken.create({
      data: { userId: owner.id, name, tokenHash: hashToken(token), expiresAt: new Date(Date.now() + days * DAY_MS) },
    });
    await appendAudit(tx, {
      actor: by.actor,
      action: "token.create",
      itemType: "ACCESS_TOKEN",
      itemId: row.id,
      details: { ownerId: owner.id, ownerEmail: owner.email, name, days, via: by.actor ? "web" : "cli" },
      origin: by.origin,
    });
    return row;
  });
  return { token, summary: summaryOf(created) };
}

/** A signed-in user creates a token for themselves. */
export async function createAccessToken(actor: Actor, input: NewTokenInput) {
  if (actor.status !== "ACTIVE") throw new NotFoundError();
  return issueAccessToken(actor, input, { actor, origin: actor.origin });
}

export async function listAccessTokens(actor: Actor): Promise<TokenSummary[]> {
  const rows = await prisma.accessToken.findMany({ where: { userId: actor.id }, orderBy: { createdAt: "desc" } });
  return rows.map(summaryOf);
}

/** Revokes one of the actor's own tokens; someone else's token is "not found". */
export async function revokeAccessToken(actor: Actor, tokenId: string): Promise<void> {
  const revokedHash = await prisma.$transaction(async (tx) => {
    const revoked = await tx.accessToken.updateMany({
      where: { id: tokenId, userId: actor.id, revokedAt: null },
      data: { revokedAt: new Date() },
    });
    if (revoked.count === 0) {
      const own = await tx.accessToken.findFirst({ where: { id: tokenId, userId: actor.id }, select: { id: true } });
      if (!own) throw new NotFoundError();
      return null; // already revoked: nothing to do
    }
    await appendAudit(tx, { actor, action: "token.revoke", itemType: "ACCESS_TOKEN", itemId: tokenId, origin: actor.origin });
    return (await tx.accessToken.findUniqueOrThrow({ where: { id: tokenId }, select: { tokenHash: true } })).tokenHash;
  });
  // A tool listening on a socket with this token is cut now, on every node, not at its next event.
  if (revokedHash) revokeRealtimeAccess({ userId: actor.id, tokenHash: revokedHash, reason: "token_revoked" });
}

/**
 * A token that is well-formed, known, not revoked, not expired, and whose owner is ACTIVE (a suspended user's
 * tokens stop working at once, and work again if they are reinstated): its owner and when it expires.
 */
export async function findTokenGrant(token: string): Promise<{ tokenId: string; owner: User; expiresAt: Date } | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const row = await prisma.accessToken.findUnique({ where: { tokenHash: hashToken(token) }, include: { user: true } });
  const now = Date.now();
  if (!row || row.revokedAt || row.expiresAt.getTime() <= now || row.user.status !== "ACTIVE") return null;
  if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > LAST_USED_RESOLUTION_MS) {
    await prisma.accessToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
  }
  return { tokenId: row.id, owner: row.user, expiresAt: row.expiresAt };
}
