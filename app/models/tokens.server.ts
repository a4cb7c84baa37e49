// Personal access tokens for tools (Authorization: Bearer cbt_...): a request with one acts as its owner with
// exactly the owner's permissions. Only the SHA-256 of a token is stored; the plaintext is shown once.
import { createHash, randomBytes } from "node:crypto";
import { Prisma, type AccessToken, type User } from "@prisma/client";
import { onAccessChange } from "~/auth/access-changes.server";
import type { Actor, UserIdentity } from "~/auth/permissions.server";
import { prisma, readSql } from "~/db.server";
import { appendAudit, type RequestOrigin } from "~/models/audit.server";
import { revokeRealtimeAccess } from "~/models/rooms.server";
import { NotFoundError } from "~/utils/errors.server";
import { singleton } from "~/utils/singleton.server";
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

/** A valid token's grant: whose it is (with their taskforces, so no second query builds the actor) and until when. */
export interface TokenGrant {
  tokenId: string;
  owner: UserIdentity;
  taskforceIds: string[];
  expiresAt: Date;
}

/**
 * Grants read lately, by token hash: a tool's burst of requests reads its grant once, not once per request
 * (decision 025). An entry is dropped by the change that alters it, on every node (app/auth/access-changes.server.ts:
 * revocation, suspension, role or agency, membership added or removed, sessions ended); it is checked against its
 * token's expiry on every use; and it is read again after GRANT_FRESH_MS whatever happened, which bounds a change
 * made behind the application's back (plain SQL) to that long, as the sockets' periodic re-check does.
 */
interface CachedGrant {
  grant: TokenGrant;
  checkedAt: number;
  lastUsedAt: number;
}
const GRANT_FRESH_MS = 30_000;
const MAX_CACHED_GRANTS = 10_000;
const cachedGrants = singleton("tokenGrants", () => {
  const grants = Object.assign(new Map<string, CachedGrant>(), { changes: 0 });
  onAccessChange(({ userId, tokenHash }) => {
    grants.changes++;
    for (const [hash, cached] of grants) if (cached.grant.owner.id === userId && (!tokenHash || hash === tokenHash)) grants.delete(hash);
  });
  return grants;
});

/**
 * A token that is well-formed, known, not revoked, not expired, and whose owner is ACTIVE (a suspended user's
 * tokens stop working at once, and work again if they are reinstated). From memory when it was read within
 * GRANT_FRESH_MS and nothing announced a change since; `fresh` reads the database whatever the cache holds (the
 * sockets' periodic re-check). Otherwise one round trip in plain SQL (decision 011).
 */
export async function findTokenGrant(token: string, { fresh = false }: { fresh?: boolean } = {}): Promise<TokenGrant | null> {
  if (!token.startsWith(TOKEN_PREFIX) || token.length > 200) return null;
  const tokenHash = hashToken(token);
  const now = Date.now();
  const cached = fresh ? undefined : cachedGrants.get(tokenHash);
  if (cached && now - cached.checkedAt < GRANT_FRESH_MS && cached.grant.expiresAt.getTime() > now) {
    if (now - cached.lastUsedAt > LAST_USED_RESOLUTION_MS) await touchToken(cached, now);
    return cached.grant;
  }
  if (cached) cachedGrants.delete(tokenHash);
  // A change announced while the row was being read may not be in it: such a grant serves this request only.
  const changesBefore = cachedGrants.changes;
  const [row] = await readSql<UserIdentity & { tokenId: string; expiresAt: Date; revokedAt: Date | null; lastUsedAt: Date | null; taskforceIds: string[] }>(Prisma.sql`
    SELECT t."id" AS "tokenId", t."expiresAt" AT TIME ZONE 'UTC' AS "expiresAt", t."revokedAt" AT TIME ZONE 'UTC' AS "revokedAt",
      t."lastUsedAt" AT TIME ZONE 'UTC' AS "lastUsedAt",
      u."id", u."email", u."displayName", u."role"::text AS "role", u."agency", u."status"::text AS "status",
      COALESCE(ARRAY(SELECT m."taskforceId" FROM "TaskforceMember" m WHERE m."userId" = u."id"), '{}') AS "taskforceIds"
    FROM "AccessToken" t JOIN "User" u ON u."id" = t."userId"
    WHERE t."tokenHash" = ${tokenHash}`);
  if (!row || row.revokedAt || row.expiresAt.getTime() <= now || row.status !== "ACTIVE") return null;
  const { id, email, displayName, role, agency, status } = row;
  const grant: TokenGrant = { tokenId: row.tokenId, owner: { id, email, displayName, role, agency, status }, taskforceIds: row.taskforceIds, expiresAt: row.expiresAt };
  const entry: CachedGrant = { grant, checkedAt: now, lastUsedAt: row.lastUsedAt?.getTime() ?? 0 };
  if (now - entry.lastUsedAt > LAST_USED_RESOLUTION_MS) await touchToken(entry, now);
  if (cachedGrants.changes !== changesBefore) return grant;
  if (cachedGrants.size >= MAX_CACHED_GRANTS) cachedGrants.clear();
  cachedGrants.set(tokenHash, entry);
  return grant;
}

async function touchToken(entry: CachedGrant, now: number): Promise<void> {
  entry.lastUsedAt = now;
  await prisma.accessToken.update({ where: { id: entry.grant.tokenId }, data: { lastUsedAt: new Date(now) } });
}
