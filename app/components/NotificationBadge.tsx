// The top bar's inbox link with the unread count, kept live on every page over the page's one socket
// (notification:new): the count comes from the page's loader and each notice since adds one.
import { NavLink } from "@remix-run/react";
import { useEffect, useState } from "react";
import { acquireSocket, releaseSocket } from "~/realtime/connection";
import type { NotificationNotice } from "~/realtime/protocol";

export function NotificationBadge({ unread, asOf }: { unread: number; asOf: number }) {
  const [count, setCount] = useState(unread);
  const [latest, setLatest] = useState<string>("");
  const [live, setLive] = useState(false);
  // A new page load (or a mark-read) brings the server's count: it replaces what was added live.
  useEffect(() => setCount(unread), [unread, asOf]);
  useEffect(() => {
    const socket = acquireSocket();
    const onNotice = (notice: NotificationNotice) => {
      setCount((current) => current + 1);
      setLatest(notice.text);
    };
    const onConnect = () => setLive(true);
    const onDisconnect = () => setLive(false);
    socket.on("notification:new", onNotice);
    socket.on("connect", onConnect);
    socket.on("disconnect", onDisconnect);
    setLive(socket.connected);
    return () => {
      socket.off("notification:new", onNotice);
      socket.off("connect", onConnect);
      socket.off("disconnect", onDisconnect);
      releaseSocket(socket);
    };
  }, []);
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
