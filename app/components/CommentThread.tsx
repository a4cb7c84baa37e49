// Comments on an item, oldest first, and the form to add one (intent "comment"; mentions as @email).
import { Form } from "@remix-run/react";
import { EmptyState } from "./EmptyState";
import { TextAreaField } from "./Field";
import { FormErrors } from "./FormErrors";
import { failureOf, formatDateTime, keptText } from "~/utils/form-values";

export interface CommentView {
  id: string;
  body: string;
  createdAt: Date | string;
  author: { displayName: string; agency?: string } | null;
}

export function CommentThread({
  comments,
  actionData,
  canComment,
  maxLength,
}: {
  comments: readonly CommentView[];
  actionData: unknown;
  canComment: boolean;
  maxLength?: number;
}) {
  const failure = failureOf(actionData, "comment");
  return (
    <section aria-labelledby="comments-heading" className="comments">
      <h2 id="comments-heading">Comments ({comments.length})</h2>
      {comments.length === 0 ? (
        <EmptyState title="No comments yet.">{canComment ? <p>Add the first one below. Mention a member with @ and their email address.</p> : null}</EmptyState>
      ) : (
        <ol className="comment-list">
          {comments.map((comment) => (
            <li key={comment.id} className="comment" id={`comment-${comment.id}`}>
              <p className="comment-meta">
                <strong>{comment.author?.displayName ?? "Former member"}</strong>
                {comment.author?.agency ? <span className="muted"> ({comment.author.agency})</span> : null}{" "}
                <time className="muted" dateTime={new Date(comment.createdAt).toISOString()}>
                  {formatDateTime(comment.createdAt)}
                </time>
              </p>
              <p className="comment-body">{comment.body}</p>
            </li>
          ))}
        </ol>
      )}
      {canComment ? (
        <Form method="post" className="stack comment-form" key={failure ? "failed" : comments.length}>
          <input type="hidden" name="intent" value="comment" />
          <FormErrors failure={failure} />
          <TextAreaField
            name="body"
            id="comment-body"
            label="Add a comment"
            hint="Text only. Mention a member with @ and their email address, e.g. @j.doe@agency.example."
            errors={failure?.fields}
            defaultValue={keptText(failure, "body")}
            maxLength={maxLength}
            required
          />
          <button type="submit">Post comment</button>
        </Form>
      ) : null}
    </section>
  );
}
