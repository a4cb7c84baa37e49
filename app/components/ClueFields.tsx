// The fields of a clue, shared by the add-clue page and the clue edit form.
import { useState } from "react";
import { ChoiceGroup, SelectField, TextAreaField, TextField, type Option } from "./Field";
import type { FieldErrors } from "~/utils/form-values";
import { CONFIDENCE_OPTIONS, HANDLING_CODE_OPTIONS } from "~/utils/labels";
import { INFO_ASSESSMENTS, INFO_ASSESSMENT_LABELS, SOURCE_RELIABILITIES, SOURCE_RELIABILITY_LABELS } from "~/validation/clue";

export interface ClueFieldValues {
  category: string;
  value: string;
  detail: string;
  confidence: string;
  handlingCode: string;
  sourceReliability: string;
  infoAssessment: string;
  mediaRefs: string;
  recipientIds: string[];
}

export interface MemberOption {
  id: string;
  displayName: string;
  agency: string;
}

const SOURCE_OPTIONS: Option[] = SOURCE_RELIABILITIES.map((value) => ({ value, label: SOURCE_RELIABILITY_LABELS[value] }));
const ASSESSMENT_OPTIONS: Option[] = INFO_ASSESSMENTS.map((value) => ({ value: String(value), label: INFO_ASSESSMENT_LABELS[value] }));

export function ClueFields({
  values,
  errors,
  categories,
  members,
  caseDefaultCode,
}: {
  values: ClueFieldValues;
  errors: FieldErrors | undefined;
  categories: readonly { key: string; label: string }[];
  /** Members who may be named on a TLP:RED clue (everyone but the author). */
  members: readonly MemberOption[];
  caseDefaultCode?: string;
}) {
  const [handlingCode, setHandlingCode] = useState(values.handlingCode);
  const isRed = handlingCode === "RED";
  return (
    <>
      <SelectField
        name="category"
        label="Category"
        options={categories.map((category) => ({ value: category.key, label: category.label }))}
        placeholder="Choose a category"
        errors={errors}
        defaultValue={values.category}
        required
      />
      <TextField
        name="value"
        label="Clue"
        hint="One observation, in words: e.g. “power socket type F”, “shampoo label in Polish, brand X”. Text only."
        errors={errors}
        defaultValue={values.value}
        maxLength={500}
        required
        autoComplete="off"
      />
      <TextAreaField name="detail" label="Detail" hint="Where it is seen, what supports it. Describe media; never paste or link it." errors={errors} defaultValue={values.detail} maxLength={10_000} />
      <div className="grid2">
        <SelectField name="confidence" label="Confidence" options={CONFIDENCE_OPTIONS} errors={errors} defaultValue={values.confidence} />
        <SelectField
          name="handlingCode"
          label="Handling code"
          hint={caseDefaultCode ? `The case default is ${caseDefaultCode}.` : undefined}
          options={HANDLING_CODE_OPTIONS}
          errors={errors}
          defaultValue={values.handlingCode}
          onChange={(event) => setHandlingCode(event.currentTarget.value)}
        />
        <SelectField name="sourceReliability" label="Source reliability" options={SOURCE_OPTIONS} errors={errors} errorKey="evaluation.sourceReliability" defaultValue={values.sourceReliability} />
        <SelectField name="infoAssessment" label="Information assessment" options={ASSESSMENT_OPTIONS} errors={errors} errorKey="evaluation.infoAssessment" defaultValue={values.infoAssessment} />
      </div>
      <TextAreaField
        name="mediaRefs"
        label="Media references"
        hint="Optional. One hash id per line as ALGORITHM:value, e.g. SHA256:9f86d081… (MD5, SHA1, SHA256, SHA512, PHOTODNA or AGENCY)."
        errors={errors}
        defaultValue={values.mediaRefs}
        spellCheck={false}
        autoComplete="off"
      />
      <div hidden={!isRed}>
        {members.length === 0 ? (
          <p className="notice">TLP:RED: only you will see this clue. There are no other active members to name.</p>
        ) : (
          <ChoiceGroup
            name="recipientIds"
            legend="Named recipients (TLP:RED)"
            hint="Only you and the members you name will see this clue."
            options={members.map((member) => ({ value: member.id, label: member.displayName, detail: `(${member.agency})` }))}
            defaultChecked={values.recipientIds}
            errors={errors}
            disabled={!isRed}
          />
        )}
      </div>
    </>
  );
}
