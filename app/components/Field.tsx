// Labelled form fields with their error messages wired up for assistive technology (aria-invalid/-describedby).
import type { InputHTMLAttributes, ReactNode, SelectHTMLAttributes, TextareaHTMLAttributes } from "react";
import { errorsFor, type FieldErrors } from "~/utils/form-values";

interface FieldFrame {
  name: string;
  label: ReactNode;
  /** Element id; defaults to the name. Pass one when two forms on a page share a field name. */
  id?: string;
  errors?: FieldErrors;
  /** Where this field's messages are in `errors` when it differs from the name (e.g. "evaluation.infoAssessment"). */
  errorKey?: string;
  hint?: ReactNode;
}

function describe(id: string, errors: string[] | undefined, hint: ReactNode) {
  const ids = [hint ? `${id}-hint` : null, errors ? `${id}-error` : null].filter(Boolean).join(" ");
  return {
    "aria-invalid": errors ? (true as const) : undefined,
    "aria-describedby": ids || undefined,
  };
}

function FieldShell({ id, label, hint, errors, children }: { id: string; label: ReactNode; hint: ReactNode; errors?: string[]; children: ReactNode }) {
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {children}
      {errors ? (
        <p id={`${id}-error`} className="field-error">
          {errors.join(" ")}
        </p>
      ) : null}
    </div>
  );
}

export function TextField({ name, label, id = name, errors, errorKey, hint, ...input }: FieldFrame & Omit<InputHTMLAttributes<HTMLInputElement>, "name" | "id">) {
  const messages = errorsFor(errors, errorKey ?? name);
  return (
    <FieldShell id={id} label={label} hint={hint} errors={messages}>
      <input type="text" {...input} id={id} name={name} {...describe(id, messages, hint)} />
    </FieldShell>
  );
}

export function TextAreaField({ name, label, id = name, errors, errorKey, hint, ...textarea }: FieldFrame & Omit<TextareaHTMLAttributes<HTMLTextAreaElement>, "name" | "id">) {
  const messages = errorsFor(errors, errorKey ?? name);
  return (
    <FieldShell id={id} label={label} hint={hint} errors={messages}>
      <textarea {...textarea} id={id} name={name} {...describe(id, messages, hint)} />
    </FieldShell>
  );
}

export interface Option {
  value: string;
  label: string;
}

export function SelectField({
  name,
  label,
  id = name,
  errors,
  errorKey,
  hint,
  options,
  placeholder,
  ...select
}: FieldFrame & { options: readonly Option[]; placeholder?: string } & Omit<SelectHTMLAttributes<HTMLSelectElement>, "name" | "id">) {
  const messages = errorsFor(errors, errorKey ?? name);
  return (
    <FieldShell id={id} label={label} hint={hint} errors={messages}>
      <select {...select} id={id} name={name} {...describe(id, messages, hint)}>
        {placeholder !== undefined ? <option value="">{placeholder}</option> : null}
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </FieldShell>
  );
}

/** A group of checkboxes (or radios) under one legend; the first box takes the error wiring and focus. */
export function ChoiceGroup({
  name,
  legend,
  id = name,
  errors,
  errorKey,
  hint,
  options,
  defaultChecked,
  type = "checkbox",
  disabled,
}: {
  name: string;
  legend: ReactNode;
  id?: string;
  errors?: FieldErrors;
  errorKey?: string;
  hint?: ReactNode;
  options: readonly (Option & { detail?: ReactNode })[];
  defaultChecked: readonly string[];
  type?: "checkbox" | "radio";
  disabled?: boolean;
}) {
  const messages = errorsFor(errors, errorKey ?? name);
  const described = describe(id, messages, hint);
  return (
    <fieldset className="field choices" disabled={disabled} aria-describedby={described["aria-describedby"]}>
      <legend>{legend}</legend>
      {hint ? (
        <p id={`${id}-hint`} className="hint">
          {hint}
        </p>
      ) : null}
      {options.map((option, index) => {
        const optionId = `${id}-${index}`;
        return (
          <div className="choice" key={option.value}>
            <input
              type={type}
              id={optionId}
              name={name}
              value={option.value}
              defaultChecked={defaultChecked.includes(option.value)}
              aria-invalid={described["aria-invalid"]}
            />
            <label htmlFor={optionId}>
              {option.label}
              {option.detail ? <span className="choice-detail"> {option.detail}</span> : null}
            </label>
          </div>
        );
      })}
      {messages ? (
        <p id={`${id}-error`} className="field-error">
          {messages.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
