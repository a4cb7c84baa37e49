// The main landmark of every signed-in page. The top bar (navigation, sign out) is drawn by root.tsx.
import type { Role } from "@prisma/client";
import type { ReactNode } from "react";

export interface ShellUser {
  displayName: string;
  email: string;
  role: Role;
  agency: string;
}

/** `user` is accepted for pages written against the earlier frame; root.tsx now shows who is signed in. */
export function AppShell({ children }: { user?: ShellUser; children: ReactNode }) {
  return (
    <main id="main" className="page" tabIndex={-1}>
      {children}
    </main>
  );
}
