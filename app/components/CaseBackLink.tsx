// The way back from a form under a case (add clue, build a lead) to the case, named by reference and title.
import { Link } from "@remix-run/react";

export function CaseBackLink({ kase }: { kase: { id: string; reference: string; title: string } }) {
  return (
    <p>
      <Link to={`/cases/${kase.id}`}>
        Back to case {kase.reference}: {kase.title}
      </Link>
    </p>
  );
}
