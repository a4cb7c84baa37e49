// The top bar's inbox link with the unread count, kept live on every page over the page's one socket
// (notification:new): the count comes from the page's loader and each notice since adds one. A page in a room
// is not sent a lead share's notice: it counts the share from the room event it already got (decision 021).
import { NavLink } from "@remix-run/react";
import { useEffect, useState } from "react";
import { acquireSocket, releaseSocket } from "~/realtime/connection";
import type { NotificationNotice, RoomFeedEvent } from "~/realtime/protocol";
import { leadSharedText } from "~/utils/notice-text";

/** The share's notice as the inbox words it, or null for the sharer's own share (nobody is told of their own). */
function noticeOfShare(event: RoomFeedEvent, userId: string): string | null {
  const payload = event.payload as { lead?: { title?: string }; sharedBy?: { displayName?: string } };
  if (event.actorId === userId) return null;
  return leadSharedText(payload.sharedBy?.displayName ?? "Someone", payload.lead?.title ?? "a lead");
}

export function NotificationBadge({ userId, unread, asOf }: { userId: string; unread: number; asOf: number }) {
  const [count, setCount] = useState(unread);
  const [latest, setLatest] = useState<string>("");
  const [live, setLive] = useState(false);
  // A new page load (or a mark-read) brings the server's count: it replaces what was added live.
  useEffect(() => setCount(unread), [unread, asOf]);
  useEffect(() => {
    const socket = acquireSocket();
    const onNotice = (notice: Pick<NotificationNotice, "text">) => {
      setCount((current) => current + 1);
      setLatest(notice.text);
    };
    const onShare = (event: RoomFeedEvent) => {
      const text = noticeOfShare(event, userId);
      if (text) onNotice({ text });
    };
    const onConnect = () => setLive(true);
    const onDisconnect = () => setLive(false);
    socket.on("notification:new", onNotice);
    socket.on("lead:shared", onShare);
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    setLive(socket.connected);
    return () => {
      socket.off("notification:new", onNotice);
      socket.off("lead:shared", onShare);
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      releaseSocket(socket);
    };
  }, [userId]);
  const shown = count > 99 ? "99+" : String(count);
  return (
    <>
      <NavLink to="/notifications" data-testid="inbox-link" data-live={live ? "on" : "off"}>
        Inbox
        {count > 0 ? (
          <span className="inbox-badge" data-testid="inbox-badge">
            {shown}
            <span className="sr-only"> unread</span>
          </span>
        ) : null}
      </NavLink>
      <span className="sr-only" role="status" aria-live="polite">
        {latest ? `New notification: ${latest}` : ""}
      </span>
    </>
  );
}
