// A failed form's summary: announced to screen readers, and focus moves to the first invalid field.
import { useEffect, useRef } from "react";
import type { FieldErrors } from "~/utils/form-values";

export function FormErrors({ failure }: { failure: { fields: FieldErrors; formError: string | null } | undefined }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!failure || !ref.current) return;
    const form = ref.current.closest("form");
    const firstInvalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (firstInvalid ?? ref.current).focus();
  }, [failure]);

  if (!failure) return null;
  const fieldCount = Object.keys(failure.fields).filter((key) => key !== "_form").length;
  const formMessages = failure.fields._form ?? [];
  return (
    <div ref={ref} className="notice error" role="alert" tabIndex={-1}>
      {fieldCount > 0 ? <p>{fieldCount === 1 ? "One field needs attention." : `${fieldCount} fields need attention.`} Your input has been kept.</p> : null}
      {fieldCount === 0 && failure.formError ? <p>{failure.formError}</p> : null}
      {formMessages.map((message) => (
        <p key={message}>{message}</p>
      ))}
    </div>
  );
}
