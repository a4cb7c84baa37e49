// What two clues must share to be linked: normalised values (per category) and media hash ids, and a link's
// weight from both clues' confidence and 4x4 evaluation.
import { describe, expect, it } from "vitest";
import { clueWeight, correlationKeysOf, linkScore, normaliseValue } from "~/utils/correlation-keys";

describe("normaliseValue", () => {
  it("folds case, accents, punctuation and runs of whitespace", () => {
    expect(normaliseValue("object_product", "  Café   Łódź — SIGN!! ")).toBe("cafe lodz sign");
  });

  it("maps look-alike Cyrillic and Greek letters and full-width forms to Latin", () => {
    expect(normaliseValue("other", "Hоtеl Sоkоl")).toBe("hotel sokol"); // Cyrillic о and е
    expect(normaliseValue("other", "ΑΒΡ")).toBe("abp"); // Greek capitals
    expect(normaliseValue("other", "ＨＯＴＥＬ")).toBe("hotel"); // full-width
  });

  it("ignores invisible format characters (zero-width space, soft hyphen, word joiner, byte-order mark)", () => {
    for (const hidden of ["He\u200Bron water bottle", "He\u00ADron water bottle", "He\u2060ron water bottle", "\uFEFFHeron water\u200D bottle"]) {
      expect(normaliseValue("object_product", hidden)).toBe("heron water bottle");
    }
  });

  it("keeps digits apart from the letters they resemble", () => {
    expect(normaliseValue("other", "B0LT 1")).not.toBe(normaliseValue("other", "BOLT l"));
  });

  it("applies the category's own rule: a number plate with or without spaces and dashes", () => {
    expect(normaliseValue("vehicle", "WX-123 AB")).toBe(normaliseValue("vehicle", "wx123ab"));
    expect(normaliseValue("object_product", "WX-123 AB")).not.toBe(normaliseValue("object_product", "wx123ab"));
  });
});

describe("correlationKeysOf", () => {
  it("gives one key per distinct media hash id and one for the value in its category; short values do not link", () => {
    const refs = [
      { algorithm: "SHA256", value: "ab".repeat(32) },
      { algorithm: "SHA256", value: "ab".repeat(32) },
    ];
    expect(correlationKeysOf({ categoryKey: "furniture", value: "Bunk bed", mediaRefs: refs })).toEqual([
      { kind: "HASH", categoryKey: "", key: `SHA256:${"ab".repeat(32)}` },
      { kind: "VALUE", categoryKey: "furniture", key: "bunk bed" },
    ]);
    expect(correlationKeysOf({ categoryKey: "furniture", value: "TV", mediaRefs: [] })).toEqual([]);
  });
});

describe("link weight", () => {
  it("weighs by both clues' confidence and evaluation: strong clues score higher than weak ones", () => {
    const strong = clueWeight({ confidence: "HIGH", sourceReliability: "A", infoAssessment: "I1" });
    const weak = clueWeight({ confidence: "LOW", sourceReliability: "X", infoAssessment: "I4" });
    expect(linkScore("HASH", strong, strong)).toBe(1);
    expect(linkScore("HASH", strong, weak)).toBeLessThan(linkScore("HASH", strong, strong));
    expect(linkScore("VALUE", strong, strong)).toBeLessThan(linkScore("HASH", strong, strong));
    expect(linkScore("NEAR", strong, strong, 0.7)).toBeLessThan(linkScore("VALUE", strong, strong));
  });
});
