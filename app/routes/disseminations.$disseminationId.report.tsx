// The printable report of one dissemination, exactly as sent: the TLP code and the Europol handling code (with
// the H3 restriction) in a banner printed at the top and bottom of every page (styles/report.css).
import type {
  LinksFunction,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireActor } from "~/auth/session.server";
import { HANDLING_CODE_LABELS } from "~/components/HandlingCodeBadge";
import { getDissemination } from "~/models/disseminations.server";
import reportHref from "~/styles/report.css?url";
import { formatDateTime } from "~/utils/form-values";
import { runLoader } from "~/utils/route-errors.server";

export const links: LinksFunction = () => [
  { rel: "stylesheet", href: reportHref },
];
export const meta: MetaFunction<typeof loader> = ({ data }) => [
  {
    title: data
      ? `Dissemination report: ${data.sent.lead.title} · Cluebridge`
      : "Dissemination report · Cluebridge",
  },
];
/** A document of its own: no top bar on screen or paper. */
export const handle = { shell: "own" };

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const dissemination = await runLoader(() =>
    getDissemination(actor, params.disseminationId ?? "", "report")
  );
  return {
    id: dissemination.id,
    leadId: dissemination.leadId,
    sent: dissemination.package,
  };
}

function Banner({
  position,
  sent,
}: {
  position: "top" | "bottom";
  sent: ReturnType<typeof useLoaderData<typeof loader>>["sent"];
}) {
  return (
    <div
      className={`report-banner ${position}`}
      data-testid={`report-banner-${position}`}
    >
      <span className={`tlp-${sent.handlingCode}`}>
        {HANDLING_CODE_LABELS[sent.handlingCode]}
      </span>
      <span>{sent.europolMeaning}</span>
      {sent.restriction ? <span>Restriction: {sent.restriction}</span> : null}
    </div>
  );
}

export default function DisseminationReport() {
  const { id, leadId, sent } = useLoaderData<typeof loader>();
  return (
    // A table's header and footer groups repeat on every printed page: the banner heads and foots each one.
    <table className="report-frame" role="presentation">
      <thead>
        <tr>
          <td>
            <Banner position="top" sent={sent} />
          </td>
        </tr>
      </thead>
      <tfoot>
        <tr>
          <td>
            <Banner position="bottom" sent={sent} />
          </td>
        </tr>
      </tfoot>
      <tbody>
        <tr>
          <td>
            <main id="main" className="report">
              <p className="report-actions">
                <Link to={`/leads/${leadId}`}>Back to the lead</Link> ·{" "}
                <Link to="/disseminations">All disseminations</Link> ·{" "}
                <a href={`/disseminations/${id}/package`} download>
                  Download JSON
                </a>
              </p>
              <h1>{sent.lead.title}</h1>
              <dl>
                <dt>Handling</dt>
                <dd>
                  {HANDLING_CODE_LABELS[sent.handlingCode]};{" "}
                  {sent.europolMeaning}
                </dd>
                {sent.restriction ? (
                  <>
                    <dt>Restriction</dt>
                    <dd className="pre-wrap">{sent.restriction}</dd>
                  </>
                ) : null}
                <dt>To</dt>
                <dd>
                  {sent.recipient.agency}, {sent.recipient.contactPoint} (
                  {sent.recipient.country})
                </dd>
                <dt>From</dt>
                <dd>
                  {sent.sentBy.displayName} ({sent.sentBy.agency}),{" "}
                  {formatDateTime(sent.sentAt)}
                </dd>
                <dt>Approved</dt>
                <dd>
                  by {sent.lead.approvedBy},{" "}
                  {formatDateTime(sent.lead.approvedAt)}
                  {sent.lead.redacted ? " (redacted for dissemination)" : ""}
                </dd>
                <dt>Reference</dt>
                <dd>{id}</dd>
              </dl>
              {sent.note ? <p className="pre-wrap">{sent.note}</p> : null}
              <h2>Hypothesis</h2>
              <p className="pre-wrap">{sent.lead.hypothesis || "(none)"}</p>
              <h2>Supporting clues ({sent.clues.length})</h2>
              {sent.clues.length === 0 ? (
                <p>No clues were sent with this lead.</p>
              ) : null}
              {sent.clues.map((clue, index) => (
                <section
                  className="clue"
                  key={index}
                  aria-label={`Clue ${index + 1}`}
                >
                  <p>
                    <strong>{clue.value}</strong> ({clue.category}){" "}
                    {HANDLING_CODE_LABELS[clue.handlingCode]}; evaluation{" "}
                    {clue.evaluation.code}
                    {clue.redacted ? "; redacted" : ""}
                  </p>
                  {clue.detail ? (
                    <p className="pre-wrap">{clue.detail}</p>
                  ) : null}
                </section>
              ))}
            </main>
          </td>
        </tr>
      </tbody>
    </table>
  );
}
