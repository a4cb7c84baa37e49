// A failed form's summary: announced to screen readers, and focus moves to the first invalid field.
import { useEffect, useRef } from "react";
import type { FieldErrors } from "~/utils/form-values";

/**
 * `shownHere`: fields the form has no input for (a button's value, a hidden id), whose messages this summary
 * shows itself; no field beside them would.
 */
export function FormErrors({ failure, shownHere = [] }: { failure: { fields: FieldErrors; formError: string | null } | undefined; shownHere?: readonly string[] }) {
  const ref = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!failure || !ref.current) return;
    const form = ref.current.closest("form");
    const firstInvalid = form?.querySelector<HTMLElement>('[aria-invalid="true"]');
    (firstInvalid ?? ref.current).focus();
  }, [failure]);

  if (!failure) return null;
  const here = new Set(["_form", ...shownHere]);
  const fieldCount = Object.keys(failure.fields).filter((key) => !here.has(key)).length;
  const formMessages = [...here].flatMap((key) => failure.fields[key] ?? []);
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
