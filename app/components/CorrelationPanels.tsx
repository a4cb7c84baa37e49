// The links of a clue and the linked cases of a case (issue 13), as their readers may see them: visible links
// with case and value, and for the rest only "a match exists in a case you cannot see", its kind and whom to ask.
import { Link } from "@remix-run/react";
import { EmptyState } from "./EmptyState";

export const LINK_KIND_LABELS: Record<string, string> = {
  HASH: "same media hash",
  VALUE: "same value",
  NEAR: "similar value",
};

export interface ContactLine {
  displayName: string;
  email: string;
  agency: string;
}

export interface HiddenLinkLine {
  kind: string;
  deconflictionId: string | null;
  contact: ContactLine | null;
}

export interface ClueLinkLine {
  clueId: string;
  caseId: string;
  caseReference: string;
  kind: string;
  score: number;
  value: string | null;
  disclosed: boolean;
}

export interface LinkedCaseLine {
  caseId: string;
  caseReference: string;
  links: number;
  kinds: string[];
  score: number;
  disclosed: boolean;
}

function contactText(contact: ContactLine | null): string {
  return contact ? `${contact.displayName} (${contact.agency}, ${contact.email})` : "your coordinator";
}

function HiddenLinks({ hidden }: { hidden: HiddenLinkLine[] }) {
  if (hidden.length === 0) return null;
  return (
    <ul className="item-list hidden-links">
      {hidden.map((link) => (
        <li key={link.kind} data-hidden-link={link.kind}>
          {/* No de-confliction: the other clue is this taskforce's own, restricted (RED): its case may be one the reader sees. */}
          A match exists in {link.deconflictionId ? "a case" : "a clue"} you cannot see ({LINK_KIND_LABELS[link.kind] ?? link.kind}). Ask {contactText(link.contact)}.
        </li>
      ))}
    </ul>
  );
}

const score = (value: number) => `${Math.round(value * 100)}%`;

export function ClueLinksPanel({ visible, hidden }: { visible: ClueLinkLine[]; hidden: HiddenLinkLine[] }) {
  return (
    <section aria-labelledby="links-heading">
      <h2 id="links-heading">
        Links to other cases <span className="count">{visible.length + hidden.length}</span>
      </h2>
      {visible.length === 0 && hidden.length === 0 ? <EmptyState title="No clue in another case matches this one." /> : null}
      {visible.length > 0 ? (
        <ul className="item-list">
          {visible.map((link) => (
            <li key={link.clueId} data-link={link.clueId}>
              {link.disclosed ? (
                <>
                  Clue {link.clueId} in case {link.caseReference} ({LINK_KIND_LABELS[link.kind] ?? link.kind}, {score(link.score)}), disclosed by de-confliction
                </>
              ) : (
                <>
                  <Link to={`/clues/${link.clueId}`}>{link.value}</Link> in <Link to={`/cases/${link.caseId}`}>{link.caseReference}</Link> ({LINK_KIND_LABELS[link.kind] ?? link.kind},{" "}
                  {score(link.score)})
                </>
              )}
            </li>
          ))}
        </ul>
      ) : null}
      <HiddenLinks hidden={hidden} />
    </section>
  );
}

export function LinkedCasesPanel({ visible, hidden }: { visible: LinkedCaseLine[]; hidden: HiddenLinkLine[] }) {
  return (
    <section aria-labelledby="linked-cases-heading">
      <h2 id="linked-cases-heading">
        Linked cases <span className="count">{visible.length}</span>
      </h2>
      {visible.length === 0 && hidden.length === 0 ? <EmptyState title="No clue of this case matches a clue in another case." /> : null}
      {visible.length > 0 ? (
        <ul className="item-list">
          {visible.map((linked) => (
            <li key={linked.caseId} data-linked-case={linked.caseId}>
              {linked.disclosed ? <>Case {linked.caseReference} (disclosed by de-confliction)</> : <Link to={`/cases/${linked.caseId}`}>{linked.caseReference}</Link>}:{" "}
              {linked.links === 1 ? "1 link" : `${linked.links} links`} ({linked.kinds.map((kind) => LINK_KIND_LABELS[kind] ?? kind).join(", ")}), strongest {score(linked.score)}
            </li>
          ))}
        </ul>
      ) : null}
      <HiddenLinks hidden={hidden} />
    </section>
  );
}
