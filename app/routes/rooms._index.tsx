// The rooms the signed-in user may join: one per taskforce they belong to.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { AppShell } from "~/components/AppShell";
import { EmptyState } from "~/components/EmptyState";
import { listMyRooms } from "~/models/lead-room.server";
import { shellUser } from "~/utils/shell.server";

export const meta: MetaFunction = () => [{ title: "Rooms · Cluebridge" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  return { user: shellUser(actor), rooms: await listMyRooms(actor) };
}

export default function RoomsPage() {
  const { user, rooms } = useLoaderData<typeof loader>();
  return (
    <AppShell user={user}>
      <h1>Taskforce rooms</h1>
      <p className="muted">Share leads with your taskforce in real time and see who is working which lead.</p>
      {rooms.length === 0 ? (
        <EmptyState title="No rooms">You are not a member of any taskforce. An administrator adds members.</EmptyState>
      ) : (
        <ul className="item-list">
          {rooms.map((room) => (
            <li key={room.id}>
              <Link className="item-title" to={`/rooms/${room.id}`}>
                {room.name}
              </Link>
              {room.description ? <p className="muted">{room.description}</p> : null}
            </li>
          ))}
        </ul>
      )}
    </AppShell>
  );
}
