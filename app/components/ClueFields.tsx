// The fields of a clue, shared by the add-clue page and the clue edit form.
import { useState } from "react";
import { ChoiceGroup, SelectField, TextAreaField, TextField, type Option } from "./Field";
import type { FieldErrors } from "~/utils/form-values";
import { CONFIDENCE_OPTIONS, HANDLING_CODE_OPTIONS } from "~/utils/labels";
import { INFO_ASSESSMENTS, INFO_ASSESSMENT_LABELS, SOURCE_RELIABILITIES, SOURCE_RELIABILITY_LABELS } from "~/validation/clue";
import { errorsFor } from "~/utils/form-values";
import { FACET_TYPES, MAX_FACETS_PER_CLUE, facetSuggestions } from "~/validation/facets";

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
  /** Facet lines, "type: value". */
  facets: string[];
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
      <FacetFields lines={values.facets} errors={errors} />
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

// Built once per page load: every "type: value" of the closed vocabularies, for the browser's own autocomplete.
let suggestions: string[] | undefined;
const FACET_HINT = `Optional, for narrowing the country: one per field as type: value, e.g. plugType: F, language: pl, drivingSide: left, mainsFrequency: 50, productSoldIn: PL, CZ. Types: ${Object.keys(FACET_TYPES).join(", ")}.`;

/** Typed facets: plain text inputs with a shared <datalist>, so entering one is typing with autocomplete, keyboard only. */
function FacetFields({ lines, errors }: { lines: string[]; errors: FieldErrors | undefined }) {
  suggestions ??= facetSuggestions();
  const count = Math.min(MAX_FACETS_PER_CLUE, Math.max(4, lines.length + 2));
  const messages = errorsFor(errors, "facets");
  return (
    <fieldset className="facets" aria-describedby={messages ? "facets-hint facets-error" : "facets-hint"}>
      <legend>Facets</legend>
      <p id="facets-hint" className="hint">
        {FACET_HINT}
      </p>
      <datalist id="facet-vocabulary">
        {suggestions.map((line) => (
          <option key={line} value={line} />
        ))}
      </datalist>
      <div className="grid2">
        {Array.from({ length: count }, (_, index) => (
          <div className="field" key={index}>
            <label htmlFor={`facet-${index}`}>{`Facet ${index + 1}`}</label>
            <input id={`facet-${index}`} name="facets" list="facet-vocabulary" defaultValue={lines[index] ?? ""} autoComplete="off" spellCheck={false} maxLength={300} />
          </div>
        ))}
      </div>
      {messages ? (
        <p id="facets-error" className="field-error">
          {messages.join(" ")}
        </p>
      ) : null}
    </fieldset>
  );
}
