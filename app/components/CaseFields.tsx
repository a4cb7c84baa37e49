// The fields a coordinator sets on a case, shared by the new-case and edit-case forms.
import { keptText } from "~/utils/form-values";
import type { ActionFailure } from "~/utils/route-errors.server";
import { HANDLING_CODE_OPTIONS } from "~/utils/labels";
import { CASE_STATUSES, CASE_STATUS_LABELS, ORIGIN_KINDS, ORIGIN_KIND_LABELS } from "~/validation/case";
import { SelectField, TextAreaField, TextField } from "./Field";

export interface CaseFieldValues {
  title: string;
  summary: string;
  originKind: string;
  originText: string;
  status: string;
  defaultHandlingCode: string;
}

export function CaseFields({ failure, initial }: { failure: ActionFailure | undefined; initial: CaseFieldValues }) {
  const errors = failure?.fields;
  // After a refused submit every field shows what was typed; before, the stored (or default) value.
  const value = (name: keyof CaseFieldValues) => (failure ? keptText(failure, name) : initial[name]);
  return (
    <>
      <TextField name="title" label="Title" errors={errors} defaultValue={value("title")} required maxLength={200} />
      <TextAreaField name="summary" label="Summary" hint="Text only. Describe, never attach." errors={errors} defaultValue={value("summary")} maxLength={10_000} />
      <SelectField name="originKind" label="Origin" options={ORIGIN_KINDS.map((kind) => ({ value: kind, label: ORIGIN_KIND_LABELS[kind] }))} errors={errors} defaultValue={value("originKind")} />
      <TextField name="originText" label="Origin details" hint="Report number and platform, ICSE series id, or seizure reference." errors={errors} defaultValue={value("originText")} maxLength={2_000} />
      <SelectField name="status" label="Status" options={CASE_STATUSES.map((status) => ({ value: status, label: CASE_STATUS_LABELS[status] }))} errors={errors} defaultValue={value("status")} />
      <SelectField name="defaultHandlingCode" label="Default handling code for new clues" options={HANDLING_CODE_OPTIONS} errors={errors} defaultValue={value("defaultHandlingCode")} />
    </>
  );
}
