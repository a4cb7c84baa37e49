// An item in a list: its title, linking to it, over a line of facts led by its handling code.
import type { HandlingCode } from "@prisma/client";
import { Link } from "@remix-run/react";
import type { ReactNode } from "react";
import { HandlingCodeBadge } from "./HandlingCodeBadge";

export function ItemSummary({ to, title, handlingCode, children }: { to: string; title: string; handlingCode: HandlingCode; children: ReactNode }) {
  return (
    <>
      <Link className="item-title" to={to}>
        {title}
      </Link>
      <div className="meta-line">
        <HandlingCodeBadge code={handlingCode} />
        {children}
      </div>
    </>
  );
}
