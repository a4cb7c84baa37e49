// A taskforce room: share a lead with everyone who may see it, watch the live feed, see who is here and who is
// working which lead. Live through Socket.IO (useRoom); the forms also work without JavaScript.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { useState, type FormEvent } from "react";
import { hasGrant, requirePermission, type Actor } from "~/auth/permissions.server";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { EmptyState } from "~/components/EmptyState";
import { HandlingCodeBadge } from "~/components/HandlingCodeBadge";
import { RoomNarrowing } from "~/components/RoomNarrowing";
import { listCases, listTaskforceMembers } from "~/models/cases.server";
import { claimLead, listRoomLeads, reassignClaim, releaseLead, shareLead } from "~/models/lead-room.server";
import { useRoom, type ConnectionState } from "~/realtime/use-room";
import { AppError } from "~/utils/errors.server";
import { failureOf, formatTime } from "~/utils/form-values";
import { parseInput, readForm } from "~/utils/forms.server";
import { runAction } from "~/utils/route-errors.server";
import { shellUser } from "~/utils/shell.server";
import { leadClaimSchema, leadReassignClaimSchema, leadShareSchema } from "~/validation/realtime";
import type { ClaimView, RoomFeedEvent } from "~/realtime/protocol";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.taskforce.name ?? "Room"} · Rooms · Cluebridge` }];

async function roomOr404<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (error) {
    // Outside the taskforce (or an admin): the room does not exist for them.
    if (error instanceof AppError && (error.status === 404 || error.status === 403)) throw new Response("Not found", { status: 404, statusText: "Not Found" });
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor: Actor = await requireActor(request);
  const taskforceId = params.taskforceId ?? "";
  const { taskforce, leads } = await roomOr404(() => listRoomLeads(actor, taskforceId));
  const canReassign = hasGrant(actor, "lead:reassignClaim");
  const cases = await listCases(actor, { taskforceId });
  return {
    cases: cases.map(({ id, reference, title }) => ({ id, reference, title })),
    user: shellUser(actor),
    me: { id: actor.id, displayName: actor.displayName },
    taskforce,
    leads,
    canShare: hasGrant(actor, "lead:share"),
    canClaim: hasGrant(actor, "lead:claim"),
    canReassign,
    members: canReassign ? (await listTaskforceMembers(actor, taskforceId)).map((member) => ({ id: member.id, displayName: member.displayName })) : [],
  };
}

/** Without JavaScript the same forms post here. */
export async function action({ request, params }: ActionFunctionArgs) {
  const actor = await requireActor(request);
  const values = await readForm(request);
  const taskforceId = params.taskforceId ?? "";
  await roomOr404(async () => requirePermission(actor, "room:join", { type: "taskforce", taskforceId }));
  return runAction(values, async () => {
    switch (values.intent) {
      case "share": {
        const { leadId, note } = parseInput(leadShareSchema, values);
        await shareLead(actor, leadId, note ?? "");
        return { ok: true as const, intent: "share", message: "Shared with the room." };
      }
      case "claim":
        await claimLead(actor, parseInput(leadClaimSchema, values).leadId);
        return { ok: true as const, intent: "claim", message: "You are working this lead." };
      case "release":
        await releaseLead(actor, parseInput(leadClaimSchema, values).leadId);
        return { ok: true as const, intent: "release", message: "Claim released." };
      case "reassign": {
        const { leadId, toUserId } = parseInput(leadReassignClaimSchema, { ...values, toUserId: values.toUserId || null });
        await reassignClaim(actor, leadId, toUserId);
        return { ok: true as const, intent: "reassign", message: "Claim reassigned." };
      }
      default:
        throw new Response("Unknown action", { status: 400 });
    }
  });
}

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: "Connecting…",
  connected: "Live: connected",
  reconnecting: "Reconnecting…",
  offline: "Offline",
};

const EVENT_LABELS: Record<RoomFeedEvent["type"], string> = {
  "lead.shared": "Lead shared",
  "lead.created": "Lead created",
  "lead.updated": "Lead updated",
  "lead.claimed": "Lead claimed",
  "lead.released": "Lead released",
  "clue.created": "Clue added",
  "clue.updated": "Clue updated",
  "clue.deleted": "Clue deleted",
  "task.assigned": "Task assigned",
  "task.updated": "Task updated",
  "comment.created": "Comment",
  "review.decided": "Review decision",
  "case.created": "Case opened",
  "case.updated": "Case updated",
};

function text(value: unknown): string | null {
  return typeof value === "string" && value !== "" ? value : null;
}

/** What a feed line says, from the event's payload (which differs per type). */
function describe(event: RoomFeedEvent): { title: string | null; by: string | null; note: string | null } {
  const payload = event.payload as Record<string, unknown>;
  const lead = payload.lead as Record<string, unknown> | undefined;
  const item = (payload.item as Record<string, unknown> | undefined) ?? payload;
  const by = (payload.sharedBy ?? payload.by) as { displayName?: string } | undefined;
  return {
    title: text(lead?.title) ?? text(item.title) ?? text(item.value) ?? text(item.reference) ?? null,
    by: text(by?.displayName) ?? text((payload.author as { displayName?: string } | undefined)?.displayName),
    note: text(payload.note) ?? text(item.body),
  };
}

function claimText(claim: ClaimView | undefined, meId: string): string {
  if (!claim?.holder || (claim.expiresAt && new Date(claim.expiresAt) <= new Date())) return "Not claimed";
  const until = claim.expiresAt ? formatTime(claim.expiresAt) : "";
  return claim.holder.id === meId ? `You are working this lead (until ${until})` : `${claim.holder.displayName} is working this lead (until ${until})`;
}

export default function RoomPage() {
  const { user, me, taskforce, leads, canShare, canClaim, canReassign, members, cases } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const failure = failureOf(actionData);
  const actionNotice = failure
    ? { kind: "error" as const, text: [failure.formError, ...Object.values(failure.fields).flat()].filter(Boolean).join(" ") }
    : actionData && "message" in actionData
      ? { kind: "ok" as const, text: actionData.message }
      : null;
  const initialClaims = Object.fromEntries(leads.map((lead) => [lead.id, lead.claim]));
  const room = useRoom(taskforce.id, { userId: me.id, initialClaims });
  const [notice, setNotice] = useState<{ kind: "ok" | "error"; text: string } | null>(null);
  const [viewing, setViewing] = useState<{ leadId: string; claim: ClaimView | null } | null>(null);
  const leadTitles = new Map(leads.map((lead) => [lead.id, lead.title]));

  // With the live connection, forms go over the socket (queued while offline) instead of reloading the page.
  function live(intent: string) {
    return async (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault();
      const form = event.currentTarget;
      const values = Object.fromEntries(new FormData(form)) as Record<string, string>;
      const pending = room.connection !== "connected";
      if (pending) setNotice({ kind: "ok", text: "Not connected: your action is queued and will be sent when the connection is back." });
      const response =
        intent === "share"
          ? await room.send("lead:share", { leadId: values.leadId, note: values.note || undefined })
          : intent === "claim"
            ? await room.send("lead:claim", { leadId: values.leadId })
            : intent === "release"
              ? await room.send("lead:release", { leadId: values.leadId })
              : await room.send("lead:reassignClaim", { leadId: values.leadId, toUserId: values.toUserId || null });
      if (response.ok) {
        setNotice({ kind: "ok", text: intent === "share" ? "Shared with the room." : intent === "claim" ? "You are working this lead." : "Claim updated." });
        if (intent === "share") form.reset();
      } else {
        const fields = response.error.fields ? Object.values(response.error.fields).flat().join(" ") : "";
        setNotice({ kind: "error", text: `${response.error.message}${fields ? ` ${fields}` : ""}` });
      }
    };
  }

  async function view(leadId: string) {
    const response = await room.send("presence:viewing", { taskforceId: taskforce.id, leadId });
    setViewing(response.ok ? { leadId, claim: response.data.claim } : null);
  }

  // Queued actions are named in every state but "connected" (where the queue has just been sent).
  const connectionText =
    room.connection !== "connected" && room.queued > 0
      ? `${CONNECTION_TEXT[room.connection]} — ${room.queued} action${room.queued === 1 ? "" : "s"} queued, sent when the connection is back`
      : CONNECTION_TEXT[room.connection];
  const viewingClaim = viewing ? room.claims[viewing.leadId] ?? viewing.claim : null;

  return (
    <AppShell user={user}>
      <div className="page-head">
        <div>
          <p className="muted">
            <Link to="/rooms">Rooms</Link>
          </p>
          <h1>{taskforce.name}</h1>
        </div>
        <p className={`connection connection-${room.connection}`} role="status" aria-live="polite">
          <span className="connection-dot" aria-hidden="true" />
          {connectionText}
          {room.problem ? ` — ${room.problem}` : ""}
        </p>
      </div>

      {notice || actionNotice ? (
        <p className={(notice ?? actionNotice)?.kind === "error" ? "notice error" : "notice"} role="alert">
          {(notice ?? actionNotice)?.text}
        </p>
      ) : null}

      <div className="two-col">
        <section aria-labelledby="feed-heading">
          <div className="feed-head">
            <h2 id="feed-heading">Live feed</h2>
            {room.newCount > 0 ? (
              <button type="button" className="secondary small new-marker" onClick={room.markSeen}>
                {room.newCount} new — mark as read
              </button>
            ) : null}
          </div>
          {room.feed.length === 0 ? (
            <EmptyState title="Nothing shared yet">Shared leads and updates appear here as they happen.</EmptyState>
          ) : (
            <ol className="feed" aria-live="polite" aria-relevant="additions">
              {room.feed.map((event) => {
                const { title, by, note } = describe(event);
                const isNew = event.seq > room.seenEventId;
                return (
                  <li key={event.id} className={isNew ? "feed-item is-new" : "feed-item"}>
                    <p className="feed-meta">
                      <strong>{EVENT_LABELS[event.type]}</strong>
                      {isNew ? <span className="pill">new</span> : null}
                      {by ? <span> by {by}</span> : null}
                      <time className="muted" dateTime={event.createdAt}>
                        {formatTime(event.createdAt)}
                      </time>
                    </p>
                    {title ? (
                      <p className="feed-title">
                        {event.itemType === "LEAD" && event.itemId ? <Link to={`/leads/${event.itemId}`}>{title}</Link> : title}
                      </p>
                    ) : null}
                    {note ? <p className="pre-wrap">{note}</p> : null}
                  </li>
                );
              })}
            </ol>
          )}
        </section>

        <aside aria-labelledby="presence-heading">
          <h2 id="presence-heading">In the room ({room.presence.length})</h2>
          <ul className="presence">
            {room.presence.map((person) => (
              <li key={person.userId}>
                {person.displayName}
                {person.userId === me.id ? " (you)" : ""}
                {person.viewingLeadIds.length ? (
                  <span className="muted"> — viewing {person.viewingLeadIds.map((id) => leadTitles.get(id) ?? "a lead").join(", ")}</span>
                ) : null}
              </li>
            ))}
          </ul>

          {canShare ? (
            <Form method="post" onSubmit={live("share")} className="card share-form">
              <h2>Share a lead</h2>
              <input type="hidden" name="intent" value="share" />
              <label htmlFor="share-lead">Lead</label>
              {leads.length === 0 ? (
                <p id="share-lead-hint" className="hint">
                  No lead to share yet: build one on a case first.
                </p>
              ) : null}
              <select id="share-lead" name="leadId" required aria-describedby={leads.length === 0 ? "share-lead-hint" : undefined}>
                {leads.map((lead) => (
                  <option key={lead.id} value={lead.id}>
                    {lead.title} ({lead.caseReference})
                  </option>
                ))}
              </select>
              <label htmlFor="share-note">Note (optional)</label>
              <textarea id="share-note" name="note" maxLength={2000} />
              <div className="form-actions">
                <button type="submit" disabled={leads.length === 0}>
                  Share with the room
                </button>
              </div>
            </Form>
          ) : null}
        </aside>
      </div>

      <RoomNarrowing cases={cases} feed={room.feed} />

      <section aria-labelledby="leads-heading">
        <h2 id="leads-heading">Leads in this taskforce</h2>
        {viewing ? (
          <p className="notice" role="status">
            {leadTitles.get(viewing.leadId)}: {claimText(viewingClaim ?? undefined, me.id)}
          </p>
        ) : null}
        {leads.length === 0 ? (
          <EmptyState title="No leads you can see">Leads appear here once someone in the taskforce writes one.</EmptyState>
        ) : (
          <div className="table-scroll">
            <table>
              <thead>
                <tr>
                  <th scope="col">Lead</th>
                  <th scope="col">Code</th>
                  <th scope="col">Claim</th>
                  <th scope="col">Actions</th>
                </tr>
              </thead>
              <tbody>
                {leads.map((lead) => {
                  const claim = room.claims[lead.id];
                  const held = claimText(claim, me.id);
                  const mine = claim?.holder?.id === me.id && held !== "Not claimed";
                  return (
                    <tr key={lead.id}>
                      <td>
                        <Link to={`/leads/${lead.id}`}>{lead.title}</Link> <span className="muted">{lead.caseReference}</span>
                      </td>
                      <td>
                        <HandlingCodeBadge code={lead.handlingCode} />
                      </td>
                      <td>{held}</td>
                      <td className="room-actions">
                        <button type="button" className="secondary small" onClick={() => void view(lead.id)}>
                          Open<span className="sr-only"> {lead.title}</span>
                        </button>
                        {canClaim ? (
                          <Form method="post" onSubmit={live(mine ? "release" : "claim")}>
                            <input type="hidden" name="intent" value={mine ? "release" : "claim"} />
                            <input type="hidden" name="leadId" value={lead.id} />
                            <button type="submit" className="small">
                              {mine ? "Release" : "Claim"}
                              <span className="sr-only"> {lead.title}</span>
                            </button>
                          </Form>
                        ) : null}
                        {canReassign ? (
                          <Form method="post" onSubmit={live("reassign")} className="inline-form">
                            <input type="hidden" name="intent" value="reassign" />
                            <input type="hidden" name="leadId" value={lead.id} />
                            <label className="sr-only" htmlFor={`reassign-${lead.id}`}>
                              Reassign the claim on {lead.title}
                            </label>
                            <select id={`reassign-${lead.id}`} name="toUserId" defaultValue="">
                              <option value="">Nobody (clear)</option>
                              {members.map((member) => (
                                <option key={member.id} value={member.id}>
                                  {member.displayName}
                                </option>
                              ))}
                            </select>
                            <button type="submit" className="secondary small">
                              Reassign
                            </button>
                          </Form>
                        ) : null}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </AppShell>
  );
}
