/**
 * Cluebridge is TEXT ONLY by construction: it never accepts, stores or relays
 * imagery or media. Every text input (forms, JSON API bodies, socket events)
 * passes through `checkTextOnly` (directly, via the zod helper `textOnly`, or
 * via `findMediaInValue` for whole payloads).
 *
 * How it works
 * ------------
 * The input is looked at through several "views" so that disguises collapse
 * into the plain form before any rule runs:
 *
 *  - text view:     NFKC-normalised (full-width "ｄａｔａ：" -> "data:") with
 *                   invisible characters removed (zero-width space/joiners,
 *                   U+2060, BOM, soft hyphen, bidi controls, variation
 *                   selectors, Hangul fillers, braille blank ...). Case is kept
 *                   because the base64 heuristics need it.
 *  - decoded views: the text view after each round of decoding HTML entities
 *                   (named, decimal, hex, with or without ";"), backslash
 *                   escapes (\u003c, \u{3c}, \x3c, \/) and percent escapes
 *                   (%3C, %u003C; double encoding unwinds over rounds).
 *  - keyword views: text + decoded views with diacritics/combining marks
 *                   removed ("<i\u0301mg" -> "<img"). Markup, data: and link
 *                   rules run here, case-insensitively.
 *  - link views:    keyword views with tab/CR/LF removed, because URL parsers
 *                   drop those characters inside URLs.
 *
 * Whitespace inserted inside keywords ("da ta:", "<i m g", "d\na\nt\na:") is
 * handled by matching the keyword letters with optional whitespace between
 * them ("d\s*a\s*t\s*a"), while still requiring a word boundary before the
 * keyword and an unmistakable continuation after it, so prose such as
 * "Metadata: none", "data: see report" or "x < image width" passes.
 *
 * All regular expressions are written to run in linear (or small bounded)
 * time: no nested unbounded quantifiers over overlapping character sets, and
 * the heavier heuristics (hex and base64 runs) are plain loops.
 */
import type { ZodType } from "zod";

// ---------------------------------------------------------------------------
// Public types and messages
// ---------------------------------------------------------------------------

export type TextRefusalCode =
  | "DATA_URI"
  | "BASE64_BLOB"
  | "HEX_BLOB"
  | "BINARY"
  | "MEDIA_MARKUP"
  | "MEDIA_LINK"
  | "ENCODED_BYTES"
  | "HIDDEN_CHARACTERS";

export type TextCheck = { ok: true } | { ok: false; code: TextRefusalCode; message: string };

/** The analyst-facing message for each refusal: what was found, then what to do instead. */
export const TEXT_ONLY_MESSAGES: Record<TextRefusalCode, string> = {
  DATA_URI:
    "Cluebridge is text-only: this field contains an embedded image (data: URI). Refer to media by its hash identifier instead.",
  BASE64_BLOB:
    "Cluebridge is text-only: this field contains a base64-encoded blob, which can carry an image or file. Refer to media by its hash identifier instead.",
  HEX_BLOB:
    "Cluebridge is text-only: this field contains a long hex or escaped-byte dump, which can carry an image or file; a single hash identifier is fine.",
  BINARY:
    "Cluebridge is text-only: this field contains binary data or control characters rather than text. Refer to media by its hash identifier instead.",
  MEDIA_MARKUP:
    "Cluebridge is text-only: this field contains markup that embeds media (such as <img>, <svg>, <video>, CSS url() or a Markdown image). Describe it in words or refer to it by its hash identifier instead.",
  MEDIA_LINK:
    "Cluebridge is text-only: this field links to media or a file (an image, video, audio, PDF or archive; a file-sharing, image-hosting or short link; a peer-to-peer, content-addressed or streaming address; blob: or file: URLs). Refer to media by its hash identifier instead.",
  ENCODED_BYTES:
    "Cluebridge is text-only: this field contains a long run of encoded data (characters as random as encoded bytes, such as base32, ascii85, uuencode, number, bit or word dumps, or one symbol per byte), which can carry an image or file. Refer to media by its hash identifier instead.",
  HIDDEN_CHARACTERS:
    "Cluebridge is text-only: this field holds many invisible characters (zero-width characters, variation selectors or tag characters), which can carry an image or file. Remove them, and refer to media by its hash identifier instead.",
};

// ---------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------

/**
 * Checks one text value. Pure, synchronous and linear-ish in the input length.
 * Rules are tried in a fixed order, so an input that breaks several rules gets
 * the most specific code (e.g. `<img src="data:...">` -> DATA_URI).
 */
export function checkTextOnly(value: string): TextCheck {
  // Defensive: JS callers may hand us non-strings; check what would be stored.
  const raw = typeof value === "string" ? value : String(value);
  if (raw.length === 0) return { ok: true };

  if (hasRawBinary(raw)) return refusal("BINARY");
  if (hasHiddenPayload(raw)) return refusal("HIDDEN_CHARACTERS");

  const views = buildViews(raw);
  if (views.keyword.some(hasDataUri)) return refusal("DATA_URI");
  if (views.keyword.some(hasMediaMarkup)) return refusal("MEDIA_MARKUP");
  if (views.link.some(hasMediaLink)) return refusal("MEDIA_LINK");
  if (views.text.some(hasHexBlob)) return refusal("HEX_BLOB");
  if (views.text.some(hasBinarySignature) || views.decoded.some(hasDecodedControls)) {
    return refusal("BINARY");
  }
  if (views.text.some(hasBase64Blob)) return refusal("BASE64_BLOB");
  if (views.text.some(hasEncodedBytes)) return refusal("ENCODED_BYTES");
  return { ok: true };
}

/**
 * zod 4 helper: returns the same schema with a refinement that refuses media.
 * `textOnly(z.string().trim().min(1).max(200))` -> a schema whose refusal is a
 * "custom" zod issue carrying the code's message (and `params.textRefusal`,
 * the TextRefusalCode) on that field's path. Also accepts optional/nullable
 * string schemas; non-string outputs (undefined/null) are not checked.
 */
export function textOnly<T extends ZodType<string | null | undefined, unknown>>(schema: T): T {
  return schema.superRefine((value, ctx) => {
    if (typeof value !== "string") return;
    const result = checkTextOnly(value);
    if (!result.ok) {
      ctx.addIssue({ code: "custom", message: result.message, params: { textRefusal: result.code } });
    }
  });
}

/**
 * Walks any JSON-like value (objects, arrays, Maps, Sets, nested) and returns
 * the path of the first refused string, or null. Object keys are checked too
 * (a refused key is reported at `[...path, key]`). Binary objects (Buffer,
 * typed arrays, ArrayBuffer, DataView, Blob, and the JSON form of a Node
 * Buffer `{ type: "Buffer", data: [...] }`) are refused as BINARY: Socket.IO
 * would otherwise relay them as binary attachments. Iterative, so deeply
 * nested payloads cannot overflow the stack; cycles are visited once.
 */
export function findMediaInValue(
  value: unknown,
  path: (string | number)[] = [],
): { path: (string | number)[]; code: TextRefusalCode; message: string } | null {
  // Frames point at their parent, so a path is only materialised for the offender (deep payloads stay linear).
  type Frame = { value: unknown; parent: Frame | null; segment?: string | number };
  const pathOf = (frame: Frame): (string | number)[] => {
    const segments: (string | number)[] = [];
    for (let f: Frame | null = frame; f !== null; f = f.parent) {
      if (f.segment !== undefined) segments.push(f.segment);
    }
    return [...path, ...segments.reverse()];
  };

  const stack: Frame[] = [{ value, parent: null }];
  const seen = new WeakSet<object>();
  while (stack.length > 0) {
    const frame = stack.pop() as Frame;
    const current = frame.value;

    if (typeof current === "string") {
      const result = checkTextOnly(current);
      if (!result.ok) return { path: pathOf(frame), code: result.code, message: result.message };
      continue;
    }
    if (current === null || typeof current !== "object") continue; // numbers, booleans, undefined, functions...
    if (isBinaryObject(current)) {
      return { path: pathOf(frame), code: "BINARY", message: TEXT_ONLY_MESSAGES.BINARY };
    }
    if (seen.has(current)) continue;
    seen.add(current);

    // Children are pushed in reverse so the walk reports the first offender in document order;
    // an object key is checked just before its value.
    const children: Frame[] = [];
    const child = (item: unknown, segment: string | number): void => {
      children.push({ value: item, parent: frame, segment });
    };
    if (Array.isArray(current)) {
      current.forEach((item, index) => child(item, index));
    } else if (current instanceof Map) {
      for (const [key, item] of current) {
        const segment = typeof key === "number" ? key : String(key);
        if (typeof key === "string") child(key, segment);
        child(item, segment);
      }
    } else if (current instanceof Set) {
      let index = 0;
      for (const item of current) child(item, index++);
    } else {
      for (const key of Object.keys(current)) {
        child(key, key);
        child((current as Record<string, unknown>)[key], key);
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as Frame);
  }
  return null;
}

// ---------------------------------------------------------------------------
// Shared helpers
// ---------------------------------------------------------------------------

function refusal(code: TextRefusalCode): TextCheck {
  return { ok: false, code, message: TEXT_ONLY_MESSAGES[code] };
}

/** Escape a literal for use inside a RegExp (also valid in `u` mode). */
function escapeRegExp(literal: string): string {
  return literal.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** "data" -> "d\s*a\s*t\s*a": the keyword with whitespace allowed between its letters. */
function spaced(word: string): string {
  return Array.from(word, escapeRegExp).join("\\s*");
}

function isBinaryObject(value: object): boolean {
  if (value instanceof ArrayBuffer || ArrayBuffer.isView(value)) return true; // Buffer, Uint8Array, DataView...
  if (typeof SharedArrayBuffer !== "undefined" && value instanceof SharedArrayBuffer) return true;
  if (typeof Blob !== "undefined" && value instanceof Blob) return true; // includes File
  const maybeBuffer = value as { type?: unknown; data?: unknown };
  return maybeBuffer.type === "Buffer" && Array.isArray(maybeBuffer.data); // JSON.stringify(Buffer)
}

// ---------------------------------------------------------------------------
// Views: normalisation and decoding
// ---------------------------------------------------------------------------

/**
 * Characters that render as nothing (or as blank) and can be slipped inside a
 * keyword: default-ignorables (ZWSP U+200B..U+200F, U+2060..U+206F, BOM,
 * soft hyphen, combining grapheme joiner, variation selectors, Hangul
 * fillers...), all format characters (bidi controls etc.) and the braille
 * blank U+2800.
 */
const INVISIBLE_CLASS = "\\p{Default_Ignorable_Code_Point}\\p{Cf}\\u2800";
const INVISIBLE_RE = new RegExp(`[${INVISIBLE_CLASS}]`, "gu");
const COMBINING_MARK_RE = /[\p{Mn}\p{Me}]/gu;
const NON_ASCII_RE = /[^\x00-\x7f]/;
const MAX_DECODE_ROUNDS = 6;

interface Views {
  /** Normalised view plus every decoded view; case and diacritics preserved. */
  text: string[];
  /** Only the decoded views (what escapes/entities turned into). */
  decoded: string[];
  /** For keyword rules: text views with diacritics removed. */
  keyword: string[];
  /** For link rules: keyword views with and without tab/CR/LF. */
  link: string[];
}

function normaliseText(s: string): string {
  return s.normalize("NFKC").replace(INVISIBLE_RE, "");
}

/** Remove diacritics so accents placed on keyword letters do not hide them. */
function foldDiacritics(s: string): string {
  if (!NON_ASCII_RE.test(s)) return s;
  return s.normalize("NFKD").replace(COMBINING_MARK_RE, "").normalize("NFKC");
}

function buildViews(raw: string): Views {
  const base = normaliseText(raw);
  const decoded: string[] = [];
  let current = base;
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    const next = normaliseText(decodeQuotedPrintable(decodePercent(decodeBackslashEscapes(decodeHtmlEntities(current)))));
    if (next === current) break;
    decoded.push(next);
    current = next;
  }
  const text = [base, ...decoded];
  const keyword = unique(text.map(foldDiacritics));
  const link = unique([...keyword, ...keyword.map((v) => v.replace(/[\t\n\r]+/g, "")), ...keyword.filter(mayBeDefanged).map(refang)]);
  return { text, decoded, keyword, link };
}

/**
 * Links written so that they do not look like links but still work once pasted into a browser: an ideographic
 * full stop in the host ("imgur。com", which browsers read as "."), or "defanged" as analysts share indicators
 * ("example[.]com", "hxxps://").
 */
const DEFANGED_DOT_RE = /\s?(?:\[\.\]|\(\.\)|\{\.\}|\[dot\]|\(dot\))\s?|[\u3002\uff61]/gi;
const DEFANGED_SCHEME_RE = /\bhxxp(s?)(\[?:\]?)/gi;

const DEFANGED_PROBE_RE = new RegExp(`${DEFANGED_DOT_RE.source}|${DEFANGED_SCHEME_RE.source}`, "i");

function mayBeDefanged(view: string): boolean {
  return DEFANGED_PROBE_RE.test(view);
}

function refang(view: string): string {
  return view.replace(DEFANGED_DOT_RE, ".").replace(DEFANGED_SCHEME_RE, "http$1:");
}

function unique(values: string[]): string[] {
  return [...new Set(values)];
}

/**
 * Named entities that matter for smuggling markup, URLs or invisible
 * characters. Keys are lower case: browsers accept &LT; too, and keyword
 * rules are case-insensitive anyway.
 */
const NAMED_ENTITIES: Record<string, string> = {
  lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", colon: ":", semi: ";", comma: ",",
  period: ".", sol: "/", bsol: "\\", lpar: "(", rpar: ")", lsqb: "[", lbrack: "[",
  rsqb: "]", rbrack: "]", lcub: "{", lbrace: "{", rcub: "}", rbrace: "}", excl: "!",
  equals: "=", num: "#", percnt: "%", quest: "?", commat: "@", dollar: "$", plus: "+",
  ast: "*", midast: "*", hyphen: "-", dash: "-", lowbar: "_", underbar: "_", grave: "`",
  hat: "^", verbar: "|", vert: "|", tab: "\t", newline: "\n", nbsp: "\u00a0",
  ensp: "\u2002", emsp: "\u2003", thinsp: "\u2009", zwj: "\u200d", zwnj: "\u200c",
  shy: "\u00ad", zerowidthspace: "\u200b", nobreak: "\u2060", lsaquo: "\u2039", rsaquo: "\u203a",
};
const LONGEST_ENTITY_NAME = Math.max(...Object.keys(NAMED_ENTITIES).map((k) => k.length));
const ENTITY_RE = /&(?:#(?:[xX]([0-9a-fA-F]{1,8})|(\d{1,12}))|([a-zA-Z][a-zA-Z0-9]{0,31}));?/g;

function decodeHtmlEntities(s: string): string {
  if (!s.includes("&")) return s;
  return s.replace(ENTITY_RE, (match: string, hex?: string, dec?: string, name?: string) => {
    if (hex !== undefined || dec !== undefined) {
      const code = hex !== undefined ? parseInt(hex, 16) : parseInt(dec as string, 10);
      return isDecodableCodePoint(code) ? String.fromCodePoint(code) : match;
    }
    const lower = (name as string).toLowerCase();
    const hasSemicolon = match.endsWith(";");
    const exact = NAMED_ENTITIES[lower];
    if (exact !== undefined) return exact;
    // Like browsers, accept a known entity name glued to following text: "&ltimg" -> "<img".
    for (let len = Math.min(LONGEST_ENTITY_NAME, lower.length - 1); len >= 2; len--) {
      const prefix = NAMED_ENTITIES[lower.slice(0, len)];
      if (prefix !== undefined) return prefix + (name as string).slice(len) + (hasSemicolon ? ";" : "");
    }
    return match;
  });
}

function isDecodableCodePoint(code: number): boolean {
  return Number.isFinite(code) && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff);
}

const BACKSLASH_ESCAPE_RE = /\\(?:u\{([0-9a-fA-F]{1,6})\}|u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([0-3][0-7]{2})|(\/))/g;

/** JavaScript/JSON/Python/C-style escapes: \u{3c}, \u003c, \x3c, octal \074 and the JSON-escaped slash \/. */
function decodeBackslashEscapes(s: string): string {
  if (!s.includes("\\")) return s;
  return s.replace(BACKSLASH_ESCAPE_RE, (match: string, braced?: string, u4?: string, x2?: string, octal?: string) => {
    if (octal !== undefined) return String.fromCharCode(parseInt(octal, 8));
    const hex = braced ?? u4 ?? x2;
    if (hex === undefined) return "/";
    const code = parseInt(hex, 16);
    // Lone surrogates from \uD83D\uDE00 pairs are re-joined by JS string semantics.
    return code <= 0x10ffff ? String.fromCodePoint(code) : match;
  });
}

const PERCENT_RUN_RE = /(?:%[0-9a-fA-F]{2})+/g;
const PERCENT_U_RE = /%u([0-9a-fA-F]{4})/g;
const STRICT_UTF8 = new TextDecoder("utf-8", { fatal: true });

/**
 * URL decoding done by hand (decodeURIComponent throws on stray "%"). Each
 * run of %XX is decoded as UTF-8 when valid, otherwise byte-by-byte as
 * Latin-1 so that binary ("%FF%D8%FF") stays visible to the binary rules.
 */
function decodePercent(s: string): string {
  if (!s.includes("%")) return s;
  return s
    .replace(PERCENT_U_RE, (_m: string, hex: string) => String.fromCharCode(parseInt(hex, 16)))
    .replace(PERCENT_RUN_RE, (run: string) => bytesToText(percentRunToBytes(run)));
}

/** Quoted-printable (RFC 2045): "=89PNG=0D=0A", with "=" soft line breaks; upper-case hex only, as encoders write it. */
const QP_SOFT_BREAK_RE = /=\r?\n/g;
const QP_RUN_RE = /(?:=[0-9A-F]{2})+/g;
const QP_MIN_ESCAPES = 4;

function decodeQuotedPrintable(s: string): string {
  if (!s.includes("=")) return s;
  const escapes = s.match(/=[0-9A-F]{2}/g);
  if (escapes === null || escapes.length < QP_MIN_ESCAPES) return s;
  return s.replace(QP_SOFT_BREAK_RE, "").replace(QP_RUN_RE, (run: string) => bytesToText(percentRunToBytes(run)));
}

/** "%89%50" or "=89=50": every escape is three characters, the hex digits at offsets 1 and 2. */
function percentRunToBytes(run: string): Uint8Array {
  const bytes = new Uint8Array(run.length / 3);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(run.slice(i * 3 + 1, i * 3 + 3), 16);
  return bytes;
}

function bytesToText(bytes: Uint8Array): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    let out = "";
    for (const byte of bytes) out += String.fromCharCode(byte);
    return out;
  }
}

// ---------------------------------------------------------------------------
// BINARY: control characters and file signatures
// ---------------------------------------------------------------------------

/** C0 controls except tab/LF/CR, DEL, and C1 controls (e.g. the \u0089 of "\u0089PNG"). */
const CONTROL_CHAR_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;
/** Binary decoded as UTF-8 turns into runs of U+FFFD; a few are just mojibake. */
const MAX_REPLACEMENT_CHARS = 16;
/**
 * Decoded escapes ("\\x00", "&#0;", "%00") that yield this many C0 controls are escaped binary.
 * C1 is not counted here: legacy-encoded URLs (Shift-JIS "%82%B1") decode to C1 bytes as Latin-1.
 */
const C0_CONTROL_GLOBAL_RE = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g;
const MAX_DECODED_CONTROLS = 8;

function hasRawBinary(raw: string): boolean {
  if (CONTROL_CHAR_RE.test(raw)) return true;
  let replacements = 0;
  for (let i = raw.indexOf("\ufffd"); i !== -1; i = raw.indexOf("\ufffd", i + 1)) {
    if (++replacements >= MAX_REPLACEMENT_CHARS) return true;
  }
  return false;
}

/**
 * File headers that survive as printable text. Headers whose bytes include
 * NUL/controls (ZIP, MP3, TIFF...) are already caught by the control rule.
 * A bare word such as "JFIF" or "PNG" in prose is not a signature.
 */
const BINARY_SIGNATURE_RES: readonly RegExp[] = [
  /\u0089PNG/i, // PNG signature (escaped "\x89PNG", "&#x89;PNG" or Latin-1 decoded)
  /^\s*\u2030PNG/i, // PNG signature decoded as Windows-1252 ("‰PNG")
  /\u00ff\u00d8\u00ff[\u00c0-\u00ff]/i, // JPEG SOI + marker decoded as Latin-1 ("ÿØÿà")
  /^\s*GIF8[79]a/i, // GIF header at the start of the value
  /^\s*%PDF-\d/i, // PDF header
  /^\s*%!PS-Adobe/i, // PostScript / EPS header
  /^\s*RIFF[\s\S]{4}(?:WEBP|WAVE|AVI )/i, // WebP / WAV / AVI container
  /^[\s\S]{4}ftyp(?:isom|iso\d|mp4\d|avc1|qt {2}|heic|heix|mif1|msf1|avif|m4a |m4v |3gp\d|dash)/i, // MP4/MOV/HEIC
];

function hasBinarySignature(view: string): boolean {
  return BINARY_SIGNATURE_RES.some((re) => re.test(view));
}

function hasDecodedControls(view: string): boolean {
  const matches = view.match(C0_CONTROL_GLOBAL_RE);
  return matches !== null && matches.length >= MAX_DECODED_CONTROLS;
}

// ---------------------------------------------------------------------------
// HIDDEN_CHARACTERS: bytes carried by characters that render as nothing
// ---------------------------------------------------------------------------
//
// The views drop invisible characters so that they cannot hide a keyword, but the text is stored as sent: a
// run of variation selectors or tag characters (one per byte) or of two zero-width characters (one per bit)
// would carry a file behind one visible emoji. What they carry is measured on the raw text.

/** Invisible characters with a job in ordinary writing: joiners (emoji sequences, Arabic-script and Indic text), the soft hyphen, text and emoji presentation. */
const TEXT_JOINERS = new Set([0x200c, 0x200d, 0x00ad, 0xfe0e, 0xfe0f]);
const UNUSUAL_SPACE_RE = /[^\P{Zs} ]/u;
/** Other invisible characters one text may hold: a few subdivision flags (7 tag characters each), stray zero-width spaces from a web page. */
export const MAX_SILENT_CHARACTERS = 64;
/** What the joiners and unusual spaces may carry, by their frequencies (order-0 entropy times count): Persian prose with a ZWNJ every few words carries ~0 bits. */
export const MAX_JOINER_BITS = 512;

/** A subdivision flag ("🏴" + tag letters + cancel tag, England's is 5 letters) counts as one silent character. */
const FLAG_TAG_SEQUENCE_RE = /\u{1F3F4}[\u{E0030}-\u{E0039}\u{E0061}-\u{E007A}]{2,6}\u{E007F}/gu;
/** Spaces other than U+0020 (no-break, thin, em, ideographic…) render as blank: they are judged with the joiners. */
const HIDDEN_OR_SPACE_RE = new RegExp(`[${INVISIBLE_CLASS}\\p{Zs}]`, "gu");
/** Whether the text holds any of them at all (the common case: none). */
const HIDDEN_OR_UNUSUAL_SPACE_PROBE_RE = new RegExp(`[${INVISIBLE_CLASS}]|${UNUSUAL_SPACE_RE.source}`, "u");
/** Joiners and unusual spaces one text may hold at all, whatever their frequencies (French puts a no-break space before ; : ! ?). */
export const MAX_JOINERS = 1024;

function hasHiddenPayload(raw: string): boolean {
  if (!HIDDEN_OR_UNUSUAL_SPACE_PROBE_RE.test(raw)) return false;
  const text = raw.replace(FLAG_TAG_SEQUENCE_RE, "\u{E007F}");
  let silent = 0;
  let joiners = 0;
  const counts = new Map<number, number>();
  for (const match of text.matchAll(HIDDEN_OR_SPACE_RE)) {
    const code = match[0].codePointAt(0) as number;
    if (code === 0x20) continue;
    if (!TEXT_JOINERS.has(code) && !UNUSUAL_SPACE_RE.test(match[0])) {
      if (++silent > MAX_SILENT_CHARACTERS) return true;
      continue;
    }
    if (++joiners > MAX_JOINERS) return true;
    counts.set(code, (counts.get(code) ?? 0) + 1);
  }
  let bits = 0;
  for (const count of counts.values()) bits += count * Math.log2(joiners / count);
  return bits > MAX_JOINER_BITS;
}

// ---------------------------------------------------------------------------
// DATA_URI
// ---------------------------------------------------------------------------

/** Registered top-level MIME types (plus x- types). */
const MIME_TOP = "(?:image|video|audio|text|application|font|model|multipart|message|example|haptics|chemical|x-[a-z0-9.+-]+)";
/** "data" as a word (not "metadata"), letters possibly spread out by whitespace, then ":". */
const DATA_SCHEME_RE = new RegExp(`(?<![\\p{L}\\p{N}_])${spaced("data")}\\s*:`, "giu");
/**
 * What a URL parser accepts right after "data:" (only tab/CR/LF may sit in between): a MIME type,
 * ";param" ("data:;base64,...") or "," plus payload ("data:,Hello"). A CSP source list
 * ("img-src 'self' data:;") has neither a parameter nor a payload, so it passes.
 */
const DATA_BODY_STRICT_RE = new RegExp(`^[\\t\\n\\r]*(?:${MIME_TOP}[\\t\\n\\r]*\\/|;[\\t\\n\\r]*[a-z]|,(?![\\s,;]|$))`, "i");
/** Spaced-out body: MIME type, optional ;params, then ",". Each part eats its own trailing whitespace (no backtracking blow-up). */
const DATA_BODY_SPACED_RE = new RegExp(
  `^\\s*(?:${MIME_TOP}\\s*\\/\\s*[\\w.+-]+\\s*)?(?:;\\s*[\\w.+-]+\\s*(?:=\\s*[\\w.+-]+\\s*)?)*,`,
  "i",
);
/** On the whitespace-squeezed view: a full "data:<mime>;base64," header, unmistakable in any spacing. */
const DATA_SQUEEZED_BASE64_RE = new RegExp(`data:${MIME_TOP}\\/[\\w.+-]+(?:;[\\w.+-]+(?:=[\\w.+-]+)?)*;base64,`, "i");

function hasDataUri(view: string): boolean {
  for (const match of view.matchAll(DATA_SCHEME_RE)) {
    const start = (match.index ?? 0) + match[0].length;
    const body = view.slice(start, start + 300);
    if (DATA_BODY_STRICT_RE.test(body)) return true;
    const spacedBody = DATA_BODY_SPACED_RE.exec(body);
    if (spacedBody !== null && spacedBody[0].replace(/\s+/g, "") !== ",") {
      // "data: image/png;base64, ..." or "data: text/html,<h1>" — but not the prose "data: image/png, 20 KB".
      if (/;\s*base64\s*,$/i.test(spacedBody[0])) return true;
      const next = body.charAt(spacedBody[0].length);
      if (next !== "" && !/\s/.test(next)) return true;
    }
  }
  return view.includes(":") && DATA_SQUEEZED_BASE64_RE.test(view.replace(/\s+/g, ""));
}

// ---------------------------------------------------------------------------
// MEDIA_MARKUP
// ---------------------------------------------------------------------------

const MEDIA_TAG_NAMES = [
  "img", "image", "svg", "video", "audio", "picture", "source", "object",
  "embed", "iframe", "frame", "canvas", "applet", "bgsound",
];
/** Attribute names that may end up glued to the tag name once invisible separators are removed ("<img\u200bsrc="). */
const ATTR_GLUED_TO_TAG = "(?:src|srcset|href|xlink|alt|width|height|style|data|poster|on[a-z]+|id|class|xmlns|viewbox)\\s*=";
/**
 * "<" (optionally "</"), an optional namespace prefix ("svg:"), then a media tag
 * name (letters may be spread out) that is not the start of a longer word
 * ("<images>", "<svgalib" are not tags). hasMediaTag then looks at what follows.
 */
const MEDIA_TAG_RE = new RegExp(
  `<(\\s*(?:\\/\\s*)?)(?:[a-z][a-z0-9-]{0,20}\\s*:\\s*)?(${MEDIA_TAG_NAMES.map(spaced).join("|")})(?=$|[^a-z0-9-]|${ATTR_GLUED_TO_TAG})`,
  "giu",
);
/** A tag that is closed or self-closed right away: "<svg>", "<img/>", "</video >". */
const TAG_CLOSES_RE = /^\s*\/?\s*>/;
/** A tag followed by an attribute: "<img src=", "<img/src=", "<svg\nviewBox=", or one glued on after invisible characters. */
const TAG_ATTRIBUTE_FOLLOWS_RE = new RegExp(`^(?:[\\s/]+[a-z_:][\\w:.-]*\\s*=|${ATTR_GLUED_TO_TAG})`, "i");
/** Boolean attributes of media elements: "<video controls>", "<iframe allowfullscreen>" are tags; "<image omitted>" is prose. */
const MEDIA_BOOLEAN_ATTRIBUTE_RE = /^[\s/]+(?:controls|autoplay|loop|muted|playsinline|allowfullscreen|ismap|crossorigin|disablepictureinpicture|disableremoteplayback)(?![\w-])/i;
/** PascalCase "Object", "Image", "Source"... before ">" is a type parameter ("Array<Object>", "Promise<Image>"), not HTML. */
const GENERIC_TYPE_NAME_RE = /^(?:Object|Image|Source|Frame|Picture)$/;

/** src=, srcset=, poster=, lowsrc=, dynsrc= (and data-src=) as HTML attributes, i.e. after whitespace, a quote or "/"; "?src=" in a URL query is fine. */
const MEDIA_ATTR_RE = new RegExp(
  `(?<=^|[\\s"'\\/])(?:[a-z]+-)*(?:${["srcset", "src", "poster", "lowsrc", "dynsrc"].map(spaced).join("|")})\\s*=`,
  "iu",
);
/** CSS "background:url(...)" / "background-image: url (...)": in this context even "url (" is CSS. */
const CSS_BACKGROUND_URL_RE = new RegExp(`(?<![a-z0-9_-])${spaced("background")}(?:\\s*-\\s*${spaced("image")})?\\s*:\\s*${spaced("url")}\\s*\\(`, "iu");
/** Legacy <body background="x.jpg">, only with a quoted value (prose "background = ..." passes). */
const BACKGROUND_ATTR_RE = /(?<=^|[\s"'/])background\s*=\s*["']/i;

/** CSS url( and image-set( (covers background:url(...), background-image, -webkit-image-set). */
const CSS_MEDIA_FUNCTION_RE = new RegExp(`(?<![a-z0-9_])(${["url", "image-set"].map(spaced).join("|")})(\\s*)\\(`, "giu");

/**
 * Markdown image: ![alt](url) or ![alt][ref]. "![", "](" and "][" must be adjacent, as in
 * CommonMark — "Great! [see the report](https://...)" is an ordinary link after an exclamation.
 */
const MARKDOWN_IMAGE_RE = /!\[[^[\]]{0,500}\][([]/;
/** Shortcut reference image ![alt] only counts when the text also defines a reference "[alt]: url". */
const MARKDOWN_IMAGE_SHORTCUT_RE = /!\[[^[\]]{1,500}\]/;
const MARKDOWN_LINK_DEFINITION_RE = /^[ \t]{0,3}\[[^[\]\n]{1,500}\]:[ \t]*\S/m;
/** BBCode media tags with their closing tag: [img]...[/img]. */
const BBCODE_MEDIA_RE = /\[(img|video|audio|youtube|flash)(?:[= ][^\]\n]{0,200})?\][^[]{0,2000}\[\/\1\]/i;

function hasMediaMarkup(view: string): boolean {
  if (view.includes("<") && hasMediaTag(view)) return true;
  if (view.includes("=") && (MEDIA_ATTR_RE.test(view) || BACKGROUND_ATTR_RE.test(view))) return true;
  if (view.includes("(") && (hasCssMediaFunction(view) || CSS_BACKGROUND_URL_RE.test(view))) return true;
  if (view.includes("[")) {
    if (view.includes("!")) {
      if (MARKDOWN_IMAGE_RE.test(view)) return true;
      if (MARKDOWN_IMAGE_SHORTCUT_RE.test(view) && MARKDOWN_LINK_DEFINITION_RE.test(view)) return true;
    }
    if (BBCODE_MEDIA_RE.test(view)) return true;
  }
  return false;
}

function hasMediaTag(view: string): boolean {
  for (const match of view.matchAll(MEDIA_TAG_RE)) {
    const name = match[2] ?? "";
    // "<i m g": whitespace inside a tag name never happens in prose — it is a disguise.
    if (/\s/.test(name)) return true;
    const end = (match.index ?? 0) + match[0].length;
    const after = view.slice(end, end + 200);
    // "<img src=...", "< img src=...", "<svg viewBox=...": a tag with attributes.
    if (TAG_ATTRIBUTE_FOLLOWS_RE.test(after) || MEDIA_BOOLEAN_ATTRIBUTE_RE.test(after)) return true;
    const tight = !/\s/.test(match[0]); // no whitespace between "<" and the name: exactly how a browser sees a tag
    // "<svg>", "</video>", "<img/>" — but not the generic "Array<Object>".
    if (tight && TAG_CLOSES_RE.test(after) && !GENERIC_TYPE_NAME_RE.test(name)) return true;
    // A bare "<img" at the very end (an unfinished tag).
    if (tight && after.trim() === "" && end + 200 > view.length) return true;
    // Otherwise prose: "<image omitted>", "<video redacted>", "length < video duration".
  }
  return false;
}

function hasCssMediaFunction(view: string): boolean {
  for (const match of view.matchAll(CSS_MEDIA_FUNCTION_RE)) {
    const name = match[1] ?? "";
    const gap = match[2] ?? "";
    const end = (match.index ?? 0) + match[0].length;
    const after = view.slice(end, end + 200);
    if (/\s/.test(name)) return true; // "u r l(" is a disguise
    if (gap === "") {
      // "url(" is CSS; the one prose exception is the plural "url(s)".
      if (!/^s\s*\)/i.test(after)) return true;
      continue;
    }
    // "URL (https://...)" is prose; "url ('x.png')" / "url (data:...)" is CSS in disguise.
    if (/^\s*(?:["']|(?:data|blob)\s*:)/i.test(after)) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// MEDIA_LINK
// ---------------------------------------------------------------------------

/**
 * Extensions of media and binary files. Decisions: images, camera RAW,
 * video, audio, archives/executables and PDF/EPS (containers of imagery) are
 * refused. Office documents (.doc/.docx/.xlsx...) and ".ts" (TypeScript vs
 * MPEG-TS) and ".bin" are NOT in the list: they are mostly text/web content.
 */
const MEDIA_FILE_EXTENSIONS = [
  // images
  "jpg", "jpeg", "jpe", "jfif", "pjpeg", "pjp", "png", "apng", "gif", "bmp", "dib", "webp", "tif", "tiff",
  "heic", "heif", "avif", "jxl", "jp2", "svg", "svgz", "ico", "cur", "psd", "xcf",
  // camera RAW
  "raw", "cr2", "cr3", "crw", "nef", "nrw", "arw", "dng", "orf", "rw2", "raf", "srw", "pef",
  // video
  "mp4", "m4v", "mov", "qt", "avi", "mkv", "webm", "wmv", "flv", "f4v", "3gp", "3g2", "mpg", "mpeg", "mpe",
  "m2ts", "mts", "vob", "ogv", "asf", "rmvb",
  // audio
  "mp3", "wav", "ogg", "oga", "opus", "flac", "aac", "m4a", "wma", "aif", "aiff", "amr", "mka", "weba",
  // archives and executables
  "zip", "rar", "7z", "tar", "gz", "tgz", "bz2", "xz", "zst", "exe", "dmg", "iso", "apk", "msi",
  // more images, camera RAW, medical and scientific images, video streams and segments, Flash, comics and books
  "tga", "pnm", "ppm", "pgm", "pbm", "pcx", "xpm", "exr", "hdr", "emf", "wmf", "wbmp", "jng", "mng", "qoi", "jxr",
  "wdp", "hdp", "heics", "heifs", "avifs", "djvu", "djv", "dcm", "dicom", "3fr", "x3f", "kdc", "mrw", "erf", "mef",
  "iiq", "r3d", "braw", "mjpg", "mjpeg", "m4s", "mxf", "h264", "h265", "hevc", "264", "rm", "ra", "yuv", "swf",
  "cbz", "cbr", "cb7", "epub", "cab",
  // documents that are containers of imagery
  "pdf", "eps",
  // streaming playlists and manifests, torrents
  "m3u8", "m3u", "mpd", "pls", "xspf", "asx", "f4m", "ism", "isml", "torrent",
];
/** The last path segment ends with a media extension; Twitter-style ":large" or ";jsessionid=..." may follow. */
const MEDIA_EXTENSION_RE = new RegExp(`\\.(?:${MEDIA_FILE_EXTENSIONS.join("|")})(?:[:;][^/]*)?$`, "i");

/**
 * URL candidates:
 *  - any scheme with "//" (http, https, ftp, sftp, s3, file:// ...),
 *  - protocol-relative "//host.tld/...",
 *  - bare host with a path: "example.com/x.jpg", "192.168.0.1/a.png", "localhost:8080/a.png".
 * A bare file name ("photo.jpg") or a filesystem path is not a link.
 * Backslashes count as slashes because browsers treat them so in http(s) URLs.
 */
const URL_TAIL = "[^\\s<>\"'`{}|^]*";
const LINK_RE = new RegExp(
  [
    `(?<![a-z0-9+.-])[a-z][a-z0-9+.-]{1,20}:[\\/\\\\]{2}${URL_TAIL}`,
    `(?<![\\w:\\/\\\\])\\/\\/(?=[a-z0-9-]+(?:\\.[a-z0-9-]+)+)${URL_TAIL}`,
    `(?<![\\w@.\\/\\\\-])(?:(?:[a-z0-9][a-z0-9-]{0,62}\\.)+[a-z]{2,24}|\\d{1,3}(?:\\.\\d{1,3}){3}|localhost)(?::\\d{1,5})?[\\/\\\\]${URL_TAIL}`,
  ].join("|"),
  "gi",
);
const TRAILING_PUNCTUATION_RE = /[.,;:!?)\]}'"»]+$/;
/**
 * file: URLs in any form (file:///x, file:/x, file:C:\x) — but not the prose label
 * "File: report.txt" nor the scheme named on its own ("a `file://` URL").
 */
const FILE_URL_RE = new RegExp(
  `(?<![a-z0-9+.-])${spaced("file")}\\s*:[\\t\\n\\r]*(?:[\\/\\\\]+|[a-z]:[\\/\\\\])[^\\/\\\\\\s"'\`)\\]>]`,
  "iu",
);
/** blob: and filesystem: URLs (browser-local object URLs) — but not the prose "Blob: a shapeless mass". */
const BLOB_URL_RE = new RegExp(
  `(?<![a-z0-9+.-])(?:${spaced("blob")}|${spaced("filesystem")})\\s*:[\\t\\n\\r]*(?:[a-z][a-z0-9+.-]*:|null[\\/\\\\]|[0-9a-f]{8}-)`,
  "iu",
);

/**
 * Addresses that fetch content by what it is or stream it live, whatever their path: peer-to-peer and
 * content-addressed schemes (magnet, IPFS/IPNS, ed2k, Dat/Hypercore, Swarm, Arweave, Sia) and live-stream
 * schemes (RTMP, RTSP, RTP, SRT, MMS, RIST, UDP multicast). A scheme counts only glued to an address
 * ("magnet:?xt=", "rtsp://", "ipfs:Qm..."), so prose such as "udp: port 53" passes.
 */
const P2P_OR_STREAM_SCHEME_RE = new RegExp(
  [
    `(?<![a-z0-9+.-])(?:ipfs|ipns|ed2k|dat|hyper|hypercore|bzz|ar|sia|bittorrent|rtmp[a-z]?|rtsp[a-z]?|s?rtp|srt|mms[a-z]?|rist|udp)\\s*:[\\t\\n\\r]*\\/\\/\\S`,
    `(?<![a-z0-9+.-])magnet\\s*:[\\t\\n\\r]*\\?\\s*[a-z]{2}(?:\\.\\d+)?=`,
    `(?<![a-z0-9+.-])(?:ipfs|ipns)\\s*:[\\t\\n\\r]*(?:Qm|baf|k51)[a-z0-9]{8,}`,
  ].join("|"),
  "i",
);
/** Bare IPFS content ids (CIDv0 "Qm" + 44 base58, CIDv1 base32 "bafy..."): a content address, not a hash id. */
const IPFS_CID_RE = /(?<![A-Za-z0-9])(?:Qm[1-9A-HJ-NP-Za-km-z]{44}|baf[yk][a-z2-7]{50,})(?![A-Za-z0-9])/;
/**
 * Host classes that serve files or hide where a link goes, judged by domain (and its subdomains):
 * file sharing and cloud drives, image and video hosts, paste-and-upload sites, URL shorteners, IPFS gateways.
 */
const FILE_HOSTS = [
  // file sharing, cloud drives, transfer services
  "dropbox.com", "dropboxusercontent.com", "db.tt", "drive.google.com", "drive.usercontent.google.com", "docs.googleusercontent.com",
  "photos.google.com", "photos.app.goo.gl", "onedrive.live.com", "1drv.ms", "sharepoint.com", "icloud.com", "box.com", "mega.nz",
  "mega.io", "mega.co.nz", "mediafire.com", "wetransfer.com", "we.tl", "sendspace.com", "4shared.com", "zippyshare.com", "gofile.io",
  "pixeldrain.com", "anonfiles.com", "file.io", "transfer.sh", "catbox.moe", "litter.catbox.moe", "uploadfiles.io", "filebin.net",
  "krakenfiles.com", "workupload.com", "sendgb.com", "swisstransfer.com", "filemail.com", "smash.gg", "terabox.com", "pcloud.com",
  "yadi.sk", "disk.yandex.ru", "disk.yandex.com", "cloud.mail.ru", "files.fm", "rapidgator.net", "uploaded.net", "nitroflare.com",
  // image and video hosts, attachment CDNs
  "imgur.com", "imgbb.com", "ibb.co", "postimg.cc", "postimages.org", "imageshack.com", "tinypic.com", "photobucket.com", "flickr.com",
  "staticflickr.com", "imgbox.com", "pixhost.to", "imagebam.com", "imagevenue.com", "redd.it", "twimg.com", "fbcdn.net", "cdninstagram.com",
  "discordapp.com", "discordapp.net", "telegra.ph", "gyazo.com", "prnt.sc", "lensdump.com", "youtube.com", "youtu.be", "vimeo.com",
  "dailymotion.com", "streamable.com", "tiktok.com", "rumble.com", "twitch.tv", "pastebin.com", "ghostbin.com", "hastebin.com",
  // URL shorteners
  "bit.ly", "bitly.com", "tinyurl.com", "t.co", "goo.gl", "ow.ly", "is.gd", "v.gd", "buff.ly", "rebrand.ly", "cutt.ly", "shorturl.at",
  "rb.gy", "t.ly", "tiny.cc", "s.id", "bit.do", "lnkd.in", "short.io", "shorte.st", "adf.ly", "t.me", "qr.ae", "tr.im", "clck.ru", "u.to",
  // anonymous upload sites and object storage that hands out files
  "0x0.st", "uguu.se", "imgchest.com", "fbsbx.com", "s3.amazonaws.com", "blob.core.windows.net", "storage.googleapis.com",
  "r2.dev", "cloudfront.net", "b-cdn.net", "backblazeb2.com",
  // IPFS gateways
  "ipfs.io", "dweb.link", "w3s.link", "cloudflare-ipfs.com", "pinata.cloud", "nftstorage.link", "arweave.net",
];
const FILE_HOST_SET = new Set(FILE_HOSTS);
/** First host labels of servers that hand out files ("i.example.com", "cdn.", "media.", "uploads."). */
const MEDIA_HOST_LABEL_RE = /^(?:i|img|image|images|media|photo|photos|pic|pics|pix|video|videos|vid|thumb|thumbs|thumbnails?|cdn\d*|static\d*|dl|download|downloads|files?|upload|uploads|attachments?|stream|streams|hls|storage)$/i;
/** A page, not a file, whatever the host's first label says ("files.example.gov/notice.html", "dl.acm.org/doi/…"). */
const WEB_PAGE_PATH_RE = /(?:\.(?:html?|shtml|php\d?|aspx?|jspx?|cfm)|^\/doi\/.*)$/i;
/** Paths that name content by address on any host (an IPFS gateway path). */
const CONTENT_ADDRESS_PATH_RE = /^\/(?:ipfs|ipns)\//i;

function hasMediaLink(view: string): boolean {
  if (view.includes(":") && (FILE_URL_RE.test(view) || BLOB_URL_RE.test(view) || P2P_OR_STREAM_SCHEME_RE.test(view))) return true;
  if (IPFS_CID_RE.test(view)) return true;
  return linksToMediaFile(view, 0);
}

function isFileHost(host: string, path: string): boolean {
  const labels = host.toLowerCase().replace(/\.$/, "").split(".");
  if (labels.length > 2 && MEDIA_HOST_LABEL_RE.test(labels[0] as string) && !WEB_PAGE_PATH_RE.test(path)) return true;
  for (let i = 0; i < labels.length - 1; i++) {
    if (FILE_HOST_SET.has(labels.slice(i).join("."))) return true;
  }
  return false;
}

function linksToMediaFile(text: string, depth: number): boolean {
  if (!text.includes("/") && !text.includes("\\")) return false;
  for (const match of text.matchAll(LINK_RE)) {
    const url = match[0].replace(TRAILING_PUNCTUATION_RE, "").replace(/\\/g, "/");
    if (urlPointsToMediaFile(url, depth)) return true;
  }
  return false;
}

function urlPointsToMediaFile(url: string, depth: number): boolean {
  const cut = url.search(/[?#]/);
  const beforeQuery = cut === -1 ? url : url.slice(0, cut);
  const queryAndFragment = cut === -1 ? "" : url.slice(cut + 1);

  // Drop scheme and authority: only the path decides (a host on the ".zip" TLD is not a file).
  const withoutScheme = beforeQuery.replace(/^[a-z][a-z0-9+.-]*:\/\/|^\/\//i, "");
  const slash = withoutScheme.indexOf("/");
  const path = slash === -1 ? "" : withoutScheme.slice(slash);
  // Servers ignore a trailing slash or tilde after a file name ("/photo.jpg/", "/a.jpg~" once "\\" became "/").
  const filePath = path.replace(/[/~]+$/, "");
  const lastSegment = filePath.slice(filePath.lastIndexOf("/") + 1);
  if (MEDIA_EXTENSION_RE.test(lastSegment)) return true;
  // The host class decides too: a file-sharing, image-hosting or short link needs no extension to be media.
  const host = (slash === -1 ? withoutScheme : withoutScheme.slice(0, slash)).replace(/^[^@]*@/, "").replace(/:\d+$/, "");
  if (isFileHost(host, filePath) || CONTENT_ADDRESS_PATH_RE.test(path)) return true;

  if (queryAndFragment !== "") {
    // A query value or fragment that names a media file ("?file=a.jpg", "#photo.png", "?dl=clip.mp4&raw=1").
    for (const part of queryAndFragment.split(/[&#;]/)) {
      const value = part.slice(part.indexOf("=") + 1);
      if (MEDIA_EXTENSION_RE.test(value.slice(value.lastIndexOf("/") + 1))) return true;
    }
    // A media URL nested in the query ("/proxy?u=https://x/a.jpg").
    if (depth < 2) return linksToMediaFile(queryAndFragment.replace(/[&=]/g, " "), depth + 1);
  }
  return false;
}

// ---------------------------------------------------------------------------
// HEX_BLOB
// ---------------------------------------------------------------------------

/** SHA-512 is 128 hex digits: anything longer in one run is not a single hash. */
const MAX_HASH_HEX = 128;
/** PhotoDNA hashes (144 bytes) are 288 hex digits; allowed after an explicit PDNA/PhotoDNA prefix. */
const MAX_PREFIXED_PHOTODNA_HEX = 288;
const PHOTODNA_PREFIX_RE = /(?:pdna|photodna)[-:_ ]\s*$/i;
/** Hex dumps "ff d8 ff e0 ..." / xxd "8950 4e47 ..." / "0xff, 0xd8" / "\xff \xd8". */
const HEX_DUMP_TOKEN_RE = /^(?:0x|\\x)?([0-9a-f]{2}|[0-9a-f]{4})$/i;
const HEX_DUMP_MIN_BYTES = 16;
const HEX_DUMP_MIN_TOKENS = 8;
/** Phone numbers, years and IBAN groups are all digits; real dumps contain a-f in about 60% of bytes. */
const HEX_DUMP_MIN_LETTER_SHARE = 0.25;
/**
 * "ff:d8:ff:..." (or "ff.d8.ff", "ff/d8/ff": any one separator that is not a letter, digit or space) longer
 * than a SHA-512 fingerprint (64 bytes); MAC addresses and certificate fingerprints pass.
 */
const SEPARATED_HEX_PAIRS_RE = /[0-9a-f]{2}(?:[^\sA-Za-z0-9][0-9a-f]{2})*/gi;
const MAX_SEPARATED_HEX_PAIRS = 64;
/**
 * Hex of common file signatures: JPEG, PNG, GIF, PDF, RIFF (WebP/WAV/AVI), ZIP, TIFF, MKV/WebM,
 * Ogg, MP3 (ID3), "<svg", and MP4/MOV/HEIC ("ftyp" at offset 4). Lets a short dump such as
 * "ff d8 ff e0 00 10 4a 46" be refused even below the general length threshold.
 */
const HEX_FILE_SIGNATURE_RE =
  /^(?:ffd8ff|89504e47|47494638|25504446|52494646|504b0304|49492a00|4d4d002a|1a45dfa3|4f676753|494433|3c737667|[0-9a-f]{8}66747970)/i;
const HEX_SIGNATURE_MIN_TOKENS = 4;
const HEX_SIGNATURE_MIN_DIGITS = 16;
/** Hash lengths (MD5, SHA-1, SHA-224, SHA-256, SHA-384, SHA-512): never judged by their first bytes. */
const HASH_HEX_LENGTHS = new Set([32, 40, 56, 64, 96, 128]);
/** Escaped file signatures: "\x89PNG", "%89PNG", "\u0089PNG", "\xff\xd8\xff", "%FF%D8%FF". */
const ESCAPED_SIGNATURE_RE =
  /(?:\\x|%|\\u00)89(?:png|(?:\\x|%|\\u00)50(?:\\x|%|\\u00)4e(?:\\x|%|\\u00)47)|(?:\\x|%|\\u00)ff(?:\\x|%|\\u00)d8(?:\\x|%|\\u00)ff/i;
/** Escaped byte runs: at least this many in a row and not decodable as readable text. */
const PERCENT_ESCAPE_RUN_RE = /(?:%[0-9a-f]{2})+/gi;
const MIN_PERCENT_ESCAPES = 16;
/** "\xHH" escapes anywhere in the text (they need not be adjacent: "\x89PNG\r\n\x1a\n\x00\x00..."). */
const X_ESCAPE_RE = /\\x([0-9a-f]{2})/gi;
const MIN_X_ESCAPES = 8;
const U_ESCAPE_RUN_RE = /(?:\\u[0-9a-f]{4})+/gi;
const MIN_U_ESCAPES = 16;

function hasHexBlob(view: string): boolean {
  return (
    ((view.includes("\\") || view.includes("%")) && ESCAPED_SIGNATURE_RE.test(view)) ||
    hasLongHexRun(view) ||
    hasSpacedHexDump(view) ||
    hasLongSeparatedHexPairs(view) ||
    hasEscapedByteRun(view)
  );
}

function isHexCode(code: number): boolean {
  return (code >= 48 && code <= 57) || (code >= 65 && code <= 70) || (code >= 97 && code <= 102);
}

function hasLongHexRun(view: string): boolean {
  let runStart = -1;
  for (let i = 0; i <= view.length; i++) {
    const inRun = i < view.length && isHexCode(view.charCodeAt(i));
    if (inRun) {
      if (runStart === -1) runStart = i;
      continue;
    }
    if (runStart !== -1) {
      const length = i - runStart;
      if (
        length >= HEX_SIGNATURE_MIN_DIGITS &&
        !HASH_HEX_LENGTHS.has(length) &&
        HEX_FILE_SIGNATURE_RE.test(view.slice(runStart, runStart + 16))
      ) {
        return true; // "89504e470d0a1a0a...": a file header, not a hash
      }
      if (length > MAX_HASH_HEX) {
        const prefixed = PHOTODNA_PREFIX_RE.test(view.slice(Math.max(0, runStart - 12), runStart));
        if (!prefixed || length > MAX_PREFIXED_PHOTODNA_HEX) return true;
      }
      runStart = -1;
    }
  }
  return false;
}

function hasSpacedHexDump(view: string): boolean {
  let tokens = 0;
  let bytes = 0;
  let letterTokens = 0;
  let head = ""; // the first hex digits of the current run, to spot a file signature
  for (const match of view.matchAll(/[^\s,;]+/g)) {
    const token = HEX_DUMP_TOKEN_RE.exec(match[0]);
    if (token === null) {
      tokens = bytes = letterTokens = 0;
      head = "";
      continue;
    }
    const digits = token[1] ?? "";
    tokens++;
    bytes += digits.length / 2;
    if (/[a-f]/i.test(digits)) letterTokens++;
    if (head.length < 16) head += digits;
    if (tokens >= HEX_SIGNATURE_MIN_TOKENS && HEX_FILE_SIGNATURE_RE.test(head)) return true;
    if (
      tokens >= HEX_DUMP_MIN_TOKENS &&
      bytes >= HEX_DUMP_MIN_BYTES &&
      letterTokens / tokens >= HEX_DUMP_MIN_LETTER_SHARE
    ) {
      return true;
    }
  }
  return false;
}

function hasLongSeparatedHexPairs(view: string): boolean {
  for (const match of view.matchAll(SEPARATED_HEX_PAIRS_RE)) {
    if ((match[0].length + 1) / 3 > MAX_SEPARATED_HEX_PAIRS) return true;
  }
  return false;
}

function hasEscapedByteRun(view: string): boolean {
  if (view.includes("%")) {
    for (const match of view.matchAll(PERCENT_ESCAPE_RUN_RE)) {
      const run = match[0];
      if (run.length / 3 >= MIN_PERCENT_ESCAPES && !isReadableText(percentRunToBytes(run))) return true;
    }
  }
  if (view.includes("\\")) {
    const escaped = [...view.matchAll(X_ESCAPE_RE)].map((m) => parseInt(m[1] ?? "", 16));
    if (escaped.length >= MIN_X_ESCAPES && !isReadableText(Uint8Array.from(escaped))) return true;
    for (const match of view.matchAll(U_ESCAPE_RUN_RE)) {
      const run = match[0];
      if (run.length / 6 < MIN_U_ESCAPES) continue;
      let decoded = "";
      for (let i = 0; i < run.length; i += 6) decoded += String.fromCharCode(parseInt(run.slice(i + 2, i + 6), 16));
      if (CONTROL_CHAR_RE.test(decoded)) return true;
    }
  }
  return false;
}

/** Escaped UTF-8 text (e.g. a Cyrillic URL slug) is fine; escaped binary is not. */
function isReadableText(bytes: Uint8Array): boolean {
  try {
    return !CONTROL_CHAR_RE.test(STRICT_UTF8.decode(bytes));
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------
// BASE64_BLOB
// ---------------------------------------------------------------------------

/**
 * Runs of base64/base64url characters, possibly broken by whitespace/newlines
 * (MIME wraps base64 every 76 characters). Prose words are in the same
 * alphabet, so a run alone proves nothing; see looksLikeEncodedBinary.
 */
const B64_GROUP_RE = /[A-Za-z0-9+/=_-]+(?:\s+[A-Za-z0-9+/=_-]+)*/g;
/** Base64 of common file signatures (PNG, JPEG, GIF, RIFF/WebP, PDF, MP4/HEIC ftyp, ZIP, SVG, XML, TIFF, MKV, Ogg, MP3, ICO). */
const B64_FILE_SIGNATURE_RE =
  /iVBORw0KGgo|\/9j\/|R0lGOD[dl]h|UklGR|JVBERi0|AAAA[A-Za-z0-9+/]GZ0eXA|UEsDBB|PHN2Zy|PD94bWw|SUkqAA|TU0AKg|GkXfo|T2dnUw|SUQz[AB]|AAABAA/;
const B64_SIGNATURE_MIN_LENGTH = 32;
/** The window and thresholds of the "random-looking" test (see looksLikeEncodedBinary). */
const B64_WINDOW = 64;
const B64_MIN_UPPER = 6;
const B64_MIN_LOWER = 6;
const B64_MIN_SWITCHES = 12;
const B64_MIN_DIGIT_SWITCHES = 4;
/** Inside URLs (path segments, query values) ids and tracking tokens are long; only refuse clear payloads. */
const B64_MIN_LENGTH_IN_URL = 200;
/** Hash-typed identifiers may be base64 (SRI "sha256-...", PhotoDNA 144 bytes = 192 chars); they are judged alone. */
const HASH_ID_PREFIX_RE = /^(?:md5|sha-?(?:1|224|256|384|512)|sha3-?(?:224|256|384|512)|blake2[bs]?(?:-?\d+)?|pdna|photodna|pdq|phash|ahash|dhash|icse|ncmec)[-_]/i;
/** Long all-hex tokens are hash identifiers (or HEX_BLOB's business), never part of a base64 run. */
const PURE_HEX_TOKEN_RE = /^[0-9a-f]{16,}$/i;

function hasBase64Blob(view: string): boolean {
  // URLs are judged per segment with a higher bar; elsewhere they act as separators.
  let outsideUrls = view;
  const urlSegments: string[] = [];
  if (view.includes("/") || view.includes("\\")) {
    outsideUrls = view.replace(LINK_RE, (url: string) => {
      urlSegments.push(...url.split(/[/\\?&=#;:.,%]+/));
      return "|";
    });
  }
  for (const segment of urlSegments) {
    if (segment.length >= B64_SIGNATURE_MIN_LENGTH && B64_FILE_SIGNATURE_RE.test(segment)) return true;
    if (segment.length >= B64_MIN_LENGTH_IN_URL && looksLikeEncodedBinary([segment])) return true;
  }

  for (const match of outsideUrls.matchAll(B64_GROUP_RE)) {
    let run: string[] = [];
    const judgeRun = (): boolean => {
      const joined = run.join("");
      const verdict =
        (joined.length >= B64_SIGNATURE_MIN_LENGTH && B64_FILE_SIGNATURE_RE.test(joined)) ||
        (joined.length >= B64_WINDOW && looksLikeEncodedBinary(run));
      run = [];
      return verdict;
    };
    for (const token of match[0].split(/\s+/)) {
      if (PURE_HEX_TOKEN_RE.test(token)) {
        if (judgeRun()) return true;
        continue;
      }
      if (HASH_ID_PREFIX_RE.test(token)) {
        if (judgeRun()) return true;
        if (B64_FILE_SIGNATURE_RE.test(token)) return true;
        if (token.length >= B64_MIN_LENGTH_IN_URL && looksLikeEncodedBinary([token])) return true;
        continue;
      }
      run.push(token);
    }
    if (judgeRun()) return true;
  }
  return false;
}

const UPPER = 0;
const LOWER = 1;
const DIGIT = 2;
const SYMBOL = 3; // + / = - _

/**
 * Encoded binary is statistically random over the base64 alphabet; prose,
 * identifiers and codes are not. In any 64-character window (whitespace
 * removed) we require: both cases present, and many character-class switches
 * *inside* tokens (lower->upper, letter<->digit). Not counted: upper->lower
 * (Title Case), switches across whitespace (word starts), and anything next
 * to a symbol (snake_case, kebab-case, paths and KEY=value are separators in
 * prose). Random base64 scores ~26 switches per window, ~16 involving digits;
 * English, Polish, camelCase/PascalCase identifiers, SKUs (no lower case),
 * hex hashes and base32 ids (single case) score far below the thresholds.
 */
function looksLikeEncodedBinary(tokens: string[]): boolean {
  let total = 0;
  for (const token of tokens) total += token.length;
  if (total < B64_WINDOW) return false;

  const cls = new Uint8Array(total);
  const tokenStart = new Uint8Array(total);
  let k = 0;
  for (const token of tokens) {
    for (let i = 0; i < token.length; i++, k++) {
      const c = token.charCodeAt(i);
      cls[k] = c >= 65 && c <= 90 ? UPPER : c >= 97 && c <= 122 ? LOWER : c >= 48 && c <= 57 ? DIGIT : SYMBOL;
      tokenStart[k] = i === 0 ? 1 : 0;
    }
  }
  // pairScore[i] describes the pair (i-1, i): bit 1 = counted switch, bit 2 = switch involving a digit.
  const pairScore = new Uint8Array(total);
  for (let i = 1; i < total; i++) {
    const prev = cls[i - 1] as number;
    const cur = cls[i] as number;
    if (tokenStart[i] === 1 || prev === cur || prev === SYMBOL || cur === SYMBOL) continue;
    if (prev === UPPER && cur === LOWER) continue;
    pairScore[i] = prev === DIGIT || cur === DIGIT ? 3 : 1;
  }

  let upper = 0;
  let lower = 0;
  let switches = 0;
  let digitSwitches = 0;
  const addChar = (i: number, sign: number): void => {
    if (cls[i] === UPPER) upper += sign;
    else if (cls[i] === LOWER) lower += sign;
  };
  const addPair = (i: number, sign: number): void => {
    const score = pairScore[i] as number;
    if (score & 1) switches += sign;
    if (score & 2) digitSwitches += sign;
  };
  const windowMatches = (): boolean =>
    upper >= B64_MIN_UPPER &&
    lower >= B64_MIN_LOWER &&
    switches >= B64_MIN_SWITCHES &&
    digitSwitches >= B64_MIN_DIGIT_SWITCHES;

  for (let i = 0; i < B64_WINDOW; i++) {
    addChar(i, 1);
    if (i > 0) addPair(i, 1);
  }
  if (windowMatches()) return true;
  for (let start = 1; start + B64_WINDOW <= total; start++) {
    addChar(start - 1, -1);
    addPair(start, -1);
    addChar(start + B64_WINDOW - 1, 1);
    addPair(start + B64_WINDOW - 1, 1);
    if (windowMatches()) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------
// ENCODED_BYTES: runs whose statistics are those of encoded bytes
// ---------------------------------------------------------------------------
//
// Encodings are refused by what they are, not by a list of encodings: an encoder maps bytes to symbols of
// some alphabet (base32, ascii85, uuencode, one CJK or braille character per byte, one word per byte, one
// number per byte...), and compressed image bytes are close to random, so the symbols of the run are close
// to uniformly distributed over that alphabet. Text in any script is not: a few letters (or characters,
// or words) carry a large share of it (Zipf). The measure is the repeat rate (index of coincidence)
// IC = sum c(c-1) / (n(n-1)) over a window of n symbols, times the window's distinct symbols K:
// uniform symbols give IC x K <= 1 (K observed never exceeds the alphabet), prose 1.9 and up (measured per
// script: docs/decisions/015-text-only-by-statistics.md). Thresholds and why they sit where they sit: ibid.

/** Whitespace-free code points judged at once; a flat run this long is refused (192 bytes of base64, 205 of ascii85). */
export const ENCODED_WINDOW = 256;
/**
 * A window is flat when IC x K is at most this and adjacent symbols are as independent as random ones
 * (pair repeat rate / IC^2 at most PAIR_DEPENDENCE_MAX). Encoders measure 0.9-1.05 and 0.2-1.9; text in 17
 * scripts never met both (decision 015).
 */
const FLATNESS_MAX = 1.3;
const PAIR_DEPENDENCE_MAX = 2.5;
/** Fewer distinct symbols than this is not an encoding alphabet worth the name ("----", "=-=-"); bits are judged by shape. */
const MIN_ENCODING_ALPHABET = 6;
/** More distinct symbols than window/UNDERSAMPLED_RATIO (CJK, Hangul, one symbol per byte): stricter limits apply. */
const UNDERSAMPLED_RATIO = 2.5;
const FLATNESS_MAX_UNDERSAMPLED = 1.1;
const PAIR_DEPENDENCE_MAX_UNDERSAMPLED = 1;
/** Two bytes per symbol (base32768, base65536): 256 characters with almost no repeat; text always repeats. */
const NO_REPEAT_IC = 1 / 4096;
const NEARLY_ALL_DISTINCT = 0.9;
/** Digest-shaped hex tokens (optionally "sha256:"-prefixed) are hash ids, judged by HASH_ID rules, not as runs. */
const DIGEST_TOKEN_RE = /^(?:[a-z0-9-]{2,12}[:=])?([0-9a-f]+)[,;.]?$/i;
/** Hash ids one text may hold: a long list of 64-hex "hashes" is a hex dump laid out as hash lines. */
export const MAX_HASH_IDS_PER_TEXT = 32;
/** Number dumps: this many consecutive byte-valued numbers (decimal 0-255, octal 0-377, 8-bit binary). */
const NUMBER_DUMP_MIN_TOKENS = 48;
const BIT_DUMP_MIN_TOKENS = 24;
const BIT_RUN_MIN_CHARS = 192;
/** Word dumps (one word per byte): this many words in a row without any punctuation, with a flat frequency. */
const WORD_DUMP_MIN_WORDS = 160;
/** In prose, the commonest word is 3-7% of the words even without punctuation; one word per byte stays near 1/256. */
const WORD_DUMP_MAX_TOP_SHARE = 0.025;
const UUENCODE_HEADER_RE = /^begin(?:-base64)? [0-7]{3,4} \S/m;

function hasEncodedBytes(view: string): boolean {
  if (view.length < NUMBER_DUMP_MIN_TOKENS) return false;
  if (UUENCODE_HEADER_RE.test(view)) return true;
  const { stream, digests } = encodedStream(view);
  if (digests.length > MAX_HASH_IDS_PER_TEXT || digestsAreStructured(digests)) return true;
  if (hasNumberDump(view) || hasWordDump(view)) return true;
  // A separator between the symbols ("ff.d8.ff", "Q.k.9.j", "255.216.255") is one more symbol, and a frequent
  // one: the window no longer looks flat. The letters and digits alone are judged too.
  if (hasFlatWindow(stream) || hasDigitPayload(stream) || hasTooManyAddresses(view)) return true;
  const lettersAndDigits = lettersAndDigitsOf(stream);
  // A rare separator leaves the stream flat already (a "." every 16 base64 symbols: IC x K ~1.25).
  if (stream.length - lettersAndDigits.length >= stream.length * SEPARATOR_SHARE && hasFlatWindow(lettersAndDigits, { flatnessMax: SEPARATED_FLATNESS_MAX })) return true;
  // A filler symbol between the encoded ones ("fqfqdqqq", "a⠁a⠂", "x" under combining marks) is as frequent as no
  // letter of any script: without it, what is left is judged as the letters and digits are.
  for (const rest of [...withoutFillers(stream), ...withoutFillers(lettersAndDigits)]) {
    if (hasFlatWindow(rest, { flatnessMax: SEPARATED_FLATNESS_MAX })) return true;
  }
  return hasFlatPosition(stream) || hasFlatWordStream(view);
}

/** Unit lengths judged: a byte written as a unit of 2-4 symbols, each place with an alphabet of its own. */
/**
 * Only small alphabets are cut apart (an emoji and a skin tone per nibble use 20 symbols): prose of any script,
 * with its capitals, digits and punctuation uses more, and cutting each stream four ways costs as much as the
 * rest of the guard. A unit scheme over a larger alphabet is among what still gets through (decision 015).
 */
const UNIT_ALPHABET_MAX = 24;
/** Over a larger alphabet, a stream this flat (pairs aside) is cut apart too: prose never is (Polish, the nearest, 1.35). */
const UNITS_FLATNESS_MAX = 1.1;
const UNIT_LENGTHS = [2, 3, 4];

/**
 * A byte written as a fixed unit ("👍🏽👋🏻": an emoji for the high nibble, a skin tone, another emoji…) mixes
 * alphabets of different sizes, so the stream is uneven; each place of the unit, taken alone, is flat. Every
 * other symbol, third or fourth of prose is still prose.
 */
function hasFlatPosition(stream: readonly number[]): boolean {
  if (stream.length < ENCODED_WINDOW * UNIT_LENGTHS[0]!) return false;
  // Four 16-letter alphabets, one per place, are flat over their 64 symbols and dependent only in their pairs.
  if (new Set(stream).size > UNIT_ALPHABET_MAX && !hasFlatWindow(stream, { flatnessMax: UNITS_FLATNESS_MAX, pairDependenceMax: Infinity })) return false;
  for (const length of UNIT_LENGTHS) {
    if (stream.length < ENCODED_WINDOW * length) break;
    for (let place = 0; place < length; place++) {
      const symbols = stream.filter((_, i) => i % length === place);
      if (hasFlatWindow(symbols, { flatnessMax: SEPARATED_FLATNESS_MAX })) return true;
    }
  }
  return false;
}

/** A symbol above this share of a stream is a filler: the commonest letter of a script is under it (English "e" 12.7% of letters). */
const FILLER_SHARE = 0.13;
const MAX_FILLERS = 3;

/** The stream without its commonest symbol, then without the next, while each is a filler; none when there is none. */
function withoutFillers(stream: readonly number[]): number[][] {
  const rests: number[][] = [];
  let rest = stream;
  for (let removed = 0; removed < MAX_FILLERS && rest.length >= ENCODED_WINDOW; removed++) {
    const counts = new Map<number, number>();
    let top = -1;
    let topCount = 0;
    for (const symbol of rest) {
      // Digits are never fillers: lists of numbers are uneven in their digits, and taking the commonest away flattens them.
      if (isAsciiDigit(symbol)) continue;
      const count = (counts.get(symbol) ?? 0) + 1;
      counts.set(symbol, count);
      if (count > topCount) [top, topCount] = [symbol, count];
    }
    if (topCount < rest.length * FILLER_SHARE) break;
    const next = rest.filter((symbol) => symbol !== top);
    rests.push(next);
    rest = next;
  }
  return rests;
}

/**
 * Words as symbols: one word per byte or per nibble from a table ("alpha bravo …", Roman numerals, a syllable
 * table), with or without punctuation and filler words, is as flat over its words as base32 over its letters.
 * Each distinct word is one symbol; the fillers go as above. A list that hardly repeats a word (names, products)
 * is not flat but sparse: a window must repeat its words at least as a 256-word table does (IC x K >= 0.4).
 */
const WORD_STREAM_FLATNESS_MIN = 0.4;

function hasFlatWordStream(view: string): boolean {
  const words = view.toLowerCase().match(/[\p{L}\p{M}\p{N}]+/gu);
  if (words === null || words.length < ENCODED_WINDOW) return false;
  const ids = new Map<string, number>();
  // Ids from 128: the window keeps non-ASCII symbols in Maps, apart from the ASCII counters.
  const stream = words.map((word) => {
    let id = ids.get(word);
    if (id === undefined) ids.set(word, (id = 128 + ids.size));
    return id;
  });
  const options = { flatnessMin: WORD_STREAM_FLATNESS_MIN, twoBytesPerSymbol: false };
  return [stream, ...withoutFillers(stream)].some((rest) => hasFlatWindow(rest, options));
}

/** IPv4 addresses one text may hold: a list of a hundred is a log; 136 of them held the probe's JPEG. */
export const MAX_IPV4_PER_TEXT = 96;

function hasTooManyAddresses(view: string): boolean {
  let addresses = 0;
  for (const _ of view.matchAll(DOTTED_QUAD_RE)) if (++addresses > MAX_IPV4_PER_TEXT) return true;
  return false;
}

/**
 * Without its spaces and punctuation, prose is flatter: an English list of products measured IC x K 1.30 and R
 * 1.57 over its letters alone. The encoders' own symbols stay at 0.9-1.05, so this stream has a limit of its own.
 */
const SEPARATED_FLATNESS_MAX = 1.12;
/** Below this share of separators the stream's own test sees the encoding; prose has 3-5% punctuation. */
const SEPARATOR_SHARE = 0.06;

/** The answer for each code point met, up to a bound: a text uses few distinct characters, so the regex runs rarely. */
const LETTER_OR_DIGIT_SEEN = new Map<number, boolean>();
const LETTER_OR_DIGIT_SEEN_MAX = 8192;

function isLetterOrDigit(code: number): boolean {
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  let known = LETTER_OR_DIGIT_SEEN.get(code);
  if (known === undefined) {
    known = LETTER_OR_DIGIT_RE.test(String.fromCodePoint(code));
    if (LETTER_OR_DIGIT_SEEN.size < LETTER_OR_DIGIT_SEEN_MAX) LETTER_OR_DIGIT_SEEN.set(code, known);
  }
  return known;
}
const LETTER_OR_DIGIT_RE = /^[\p{L}\p{N}]$/u;

function lettersAndDigitsOf(stream: readonly number[]): number[] {
  return stream.filter(isLetterOrDigit);
}

const isAsciiDigit = (code: number): boolean => code >= 48 && code <= 57;
/** What a list of numbers is written with: digits and ASCII punctuation ("+48 601 …", "2026-11-03 21:14", "(00:03:12)"). */
const isNumberListSymbol = (code: number): boolean => code < 128 && !((code >= 65 && code <= 90) || (code >= 97 && code <= 122));

/**
 * Digits are the one alphabet ordinary text lays out flat: a list of barcodes, phone numbers or IMEIs is as
 * uniform as a number encoding bytes, so windows made mostly of digits are not judged by flatness (they refused
 * 20 EAN-13 codes from a receipt). A text is refused for its digits by their amount instead: this many, near
 * uniform, are ~425 bytes of a file (543-byte JPEG: 1,308 digits as one number, ~1,400 as its byte values).
 */
export const MAX_FLAT_DIGITS = 1024;
/** Of which at least this much digits (call records: ~80 %; base 40 over digits and punctuation: 25 %). */
const NUMBER_LIST_DIGIT_SHARE = 0.6;
/** A window this much digits and punctuation is a number list, judged by hasDigitPayload and the number-dump rule. */
const DIGIT_WINDOW_SHARE = 0.85;

function hasDigitPayload(stream: readonly number[]): boolean {
  const counts = new Uint32Array(10);
  let digits = 0;
  for (const code of stream) {
    if (!isAsciiDigit(code)) continue;
    counts[code - 48]++;
    digits++;
  }
  if (digits < MAX_FLAT_DIGITS) return false;
  let repeatSum = 0;
  for (const count of counts) repeatSum += count * (count - 1);
  // Over the digits used: octal written in groups uses 8, evenly (IC x 10 = 1.25, IC x 8 = 1).
  const used = counts.filter((count) => count > 0).length;
  return (repeatSum / (digits * (digits - 1))) * used <= DIGIT_FLATNESS_MAX;
}
/**
 * Random digits measure IC x 10 = 1.00 +- 0.02 at this length; lists written by people and machines repeat
 * prefixes, dates and times (50 call records: above it). Byte values written in decimal are uneven (many 1s and
 * 2s) and are the number-dump rule's.
 */
const DIGIT_FLATNESS_MAX = 1.04;

/** The view's code points without whitespace and without digest-shaped hash ids (which are returned apart). */
function encodedStream(view: string): { stream: number[]; digests: string[] } {
  const stream: number[] = [];
  const digests: string[] = [];
  for (const token of view.split(/\s+/)) {
    const digest = DIGEST_TOKEN_RE.exec(token);
    if (digest !== null && HASH_HEX_LENGTHS.has((digest[1] as string).length)) {
      digests.push((digest[1] as string).toLowerCase());
      continue;
    }
    for (const char of token) stream.push(char.codePointAt(0) as number);
  }
  return { stream, digests };
}

/** Hex whose first bytes are a file header (JPEG, PNG, GIF, PDF, RIFF, ZIP, TIFF, MKV, Ogg, MP3, SVG, MP4). */
export function startsWithFileSignature(hex: string): boolean {
  return HEX_FILE_SIGNATURE_RE.test(hex);
}

/**
 * Cryptographic digests are uniform bytes. Hex dumps of a file cut into hash-sized lines are not: a file
 * signature opens the first "hash", or zero bytes (headers, tables, JPEG byte stuffing) are far commoner
 * than 1 in 256. Random digests reach the zero threshold with odds under 1e-6.
 */
export function digestsAreStructured(digests: readonly string[]): boolean {
  if (digests.length === 0) return false;
  if (startsWithFileSignature(digests[0] as string)) return true;
  let bytes = 0;
  let zeros = 0;
  for (const digest of digests) {
    for (let i = 0; i + 1 < digest.length; i += 2) {
      bytes++;
      if (digest.charCodeAt(i) === 48 && digest.charCodeAt(i + 1) === 48) zeros++;
    }
  }
  return zeros >= 6 + bytes / 64;
}

/**
 * Slides a window of ENCODED_WINDOW symbols over the stream, keeping symbol and symbol-pair counts, their
 * repeat sums and the distinct count incrementally: linear in the stream, typed arrays for ASCII, Maps otherwise.
 */
interface FlatnessOptions {
  /** The limit of IC x K for a window of many repeats (the undersampled limit is the same for every stream). */
  flatnessMax?: number;
  /** At least this IC x K: a word list that hardly repeats is sparse, not flat. */
  flatnessMin?: number;
  /** Whether a window with almost no repeat is two bytes per symbol (characters), or just varied (words). */
  twoBytesPerSymbol?: boolean;
  /** The limit of pair dependence for a window of many repeats. */
  pairDependenceMax?: number;
}

function hasFlatWindow(stream: readonly number[], { flatnessMax = FLATNESS_MAX, flatnessMin = 0, twoBytesPerSymbol = true, pairDependenceMax = PAIR_DEPENDENCE_MAX }: FlatnessOptions = {}): boolean {
  const size = ENCODED_WINDOW;
  if (stream.length < size) return false;
  const ascii = new Uint32Array(128);
  const other = new Map<number, number>();
  const asciiPairs = new Uint32Array(128 * 128);
  const otherPairs = new Map<number, number>();
  let distinct = 0;
  let numberList = 0; // ASCII digits and punctuation in the window: a list of numbers
  let digits = 0; // of which digits
  let repeatSum = 0; // sum over symbols of c(c-1)
  let pairRepeatSum = 0; // the same over adjacent pairs
  const add = (symbol: number, delta: 1 | -1): void => {
    if (isNumberListSymbol(symbol)) numberList += delta;
    if (isAsciiDigit(symbol)) digits += delta;
    const before = symbol < 128 ? (ascii[symbol] as number) : (other.get(symbol) ?? 0);
    const after = before + delta;
    if (symbol < 128) ascii[symbol] = after;
    else if (after === 0) other.delete(symbol);
    else other.set(symbol, after);
    if (before === 0) distinct++;
    if (after === 0) distinct--;
    repeatSum += after * (after - 1) - before * (before - 1);
  };
  const addPair = (first: number, second: number, delta: 1 | -1): void => {
    const inAscii = first < 128 && second < 128;
    const key = inAscii ? first * 128 + second : first * 0x110000 + second;
    const before = inAscii ? (asciiPairs[key] as number) : (otherPairs.get(key) ?? 0);
    const after = before + delta;
    if (inAscii) asciiPairs[key] = after;
    else if (after === 0) otherPairs.delete(key);
    else otherPairs.set(key, after);
    pairRepeatSum += after * (after - 1) - before * (before - 1);
  };
  const symbolPairs = size * (size - 1);
  const pairPairs = (size - 1) * (size - 2);
  for (let i = 0; i < stream.length; i++) {
    add(stream[i] as number, 1);
    if (i > 0) addPair(stream[i - 1] as number, stream[i] as number, 1);
    if (i >= size) {
      add(stream[i - size] as number, -1);
      addPair(stream[i - size] as number, stream[i - size + 1] as number, -1);
    }
    if (i < size - 1 || distinct < MIN_ENCODING_ALPHABET) continue;
    // A list of numbers: digits and their punctuation, mostly digits (base 40 over digits and punctuation is not).
    if (numberList >= size * DIGIT_WINDOW_SHARE && digits >= size * NUMBER_LIST_DIGIT_SHARE) continue;
    const ic = repeatSum / symbolPairs;
    const undersampled = distinct * UNDERSAMPLED_RATIO > size;
    // Two bytes per symbol: almost every symbol of the window differs, a fixed filler pair or two aside (CJK prose
    // repeats its common characters: under 70 % distinct).
    if (undersampled && twoBytesPerSymbol && (ic < NO_REPEAT_IC || distinct >= size * NEARLY_ALL_DISTINCT)) return true;
    if (ic * distinct < flatnessMin) continue;
    // Independent symbols repeat in pairs as often as the product of their single rates: ratio ~1. Text: 1.3 to 70.
    const pairDependence = pairRepeatSum / pairPairs / (ic * ic);
    const flat = undersampled
      ? ic * distinct <= FLATNESS_MAX_UNDERSAMPLED && pairDependence <= PAIR_DEPENDENCE_MAX_UNDERSAMPLED
      : ic * distinct <= flatnessMax && pairDependence <= pairDependenceMax;
    if (flat) return true;
  }
  return false;
}

/**
 * A run of byte values covers the byte range: at least this share of the run in each quarter of 0-255. Heights
 * in centimetres (140-200) or room numbers (101-250) are byte-valued too, but bunched.
 */
const BYTE_QUARTER_MIN_SHARE = 0.1;
/** An IPv4 address is one token: a list of addresses is not a byte dump (the digit budget bounds a long one). */
const DOTTED_QUAD_RE = /(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])/g;

/** Numbers that are bytes: "137 80 78 71", "0o211 0120", "10001001 01010000"; any separators. */
function hasNumberDump(view: string): boolean {
  if (hasByteTokens(view.matchAll(/[^\s,;[\](){}]+/g))) return true;
  // Any separator ("255.216.255"): only when the text holds enough numbers to make a dump at all.
  let numbers = 0;
  for (let i = view.search(/\d/); i !== -1 && numbers < NUMBER_DUMP_MIN_TOKENS; i = nextNumber(view, i)) numbers++;
  return numbers >= NUMBER_DUMP_MIN_TOKENS && hasByteTokens(view.replace(DOTTED_QUAD_RE, " xx ").matchAll(/\d+|\p{L}{2,}/gu), true);
}

/** Where the number after the one starting at `start` starts, or -1. */
function nextNumber(view: string, start: number): number {
  let i = start;
  while (i < view.length && isAsciiDigit(view.charCodeAt(i))) i++;
  while (i < view.length && !isAsciiDigit(view.charCodeAt(i))) i++;
  return i < view.length ? i : -1;
}

/** `digitsOnly`: the tokens are runs of digits and words, whatever separates them ("255.216.255", "137x80x78"); a word ends a run. */
function hasByteTokens(tokens: Iterable<RegExpMatchArray>, digitsOnly = false): boolean {
  let decimal = 0;
  let decimalHigh = 0;
  const quarters = [0, 0, 0, 0];
  let octal = 0;
  let octalHigh = 0;
  let bits = 0;
  for (const match of tokens) {
    const token = digitsOnly ? match[0] : match[0].replace(/^(?:0o|\\)/i, "");
    if (/^[01]{8}$/.test(token)) {
      if (++bits >= BIT_DUMP_MIN_TOKENS) return true;
    } else bits = 0;
    if (/^\d{1,3}$/.test(token) && Number(token) <= 255) {
      decimal++;
      if (token.length === 3) decimalHigh++;
      (quarters[Number(token) >> 6] as number)++;
      if (decimal >= NUMBER_DUMP_MIN_TOKENS && decimalHigh * 4 >= decimal && quarters.every((count) => count >= decimal * BYTE_QUARTER_MIN_SHARE)) return true;
    } else {
      decimal = decimalHigh = 0;
      quarters.fill(0);
    }
    if (digitsOnly) continue;
    if (/^[0-7]{1,3}$/.test(token) && parseInt(token, 8) <= 255) {
      octal++;
      if (token.length === 3) octalHigh++;
      if (octal >= NUMBER_DUMP_MIN_TOKENS && octalHigh * 4 >= octal) return true;
    } else octal = octalHigh = 0;
    if (/^[01]+$/.test(token) && token.length >= BIT_RUN_MIN_CHARS) return true;
  }
  return false;
}

/**
 * One word per byte ("aardvark absurd accrue ..."): a long run of words with no punctuation at all, in which
 * no word is common. Prose always has punctuation or a common word (the, и, 的 are 3-7% of running words).
 */
function hasWordDump(view: string): boolean {
  if (view.length < WORD_DUMP_MIN_WORDS * 2) return false;
  // Runs of letters-only words; any other character (punctuation, digits, symbols) ends the run.
  for (const run of view.split(/[^\p{L}\p{M}\s]+/u)) {
    const words = run.split(/\s+/).filter((word) => word !== "");
    if (words.length < WORD_DUMP_MIN_WORDS) continue;
    const counts = new Map<string, number>();
    let top = 0;
    for (const word of words) {
      const key = word.toLowerCase();
      const count = (counts.get(key) ?? 0) + 1;
      counts.set(key, count);
      if (count > top) top = count;
    }
    if (top <= words.length * WORD_DUMP_MAX_TOP_SHARE && counts.size >= 64) return true;
  }
  return false;
}


/**
 * What a text that passed still carries of encoded-looking material, in bytes: the tokens of 16 or more
 * characters that mix letter cases and digits as encoders do (the per-author window adds these up, so a
 * payload cut into pieces that each pass is still seen whole). Digest-shaped hash ids and words count 0.
 */
export function encodedFragmentBytes(value: string): number {
  let bits = 0;
  for (const token of normaliseText(value).split(/[\s"'`<>()[\]{},;]+/)) {
    if (token.length < FRAGMENT_MIN_TOKEN) continue;
    const digest = DIGEST_TOKEN_RE.exec(token);
    if (digest !== null && HASH_HEX_LENGTHS.has((digest[1] as string).length)) continue;
    // URL parts are judged apart; "/", "+" and "=" belong to base64, so they do not cut a piece.
    for (const piece of token.split(/[?&#.:]+/)) {
      const minimum = /[a-z]/.test(piece) ? FRAGMENT_MIN_TOKEN : FRAGMENT_MIN_SINGLE_CASE_TOKEN;
      if (piece.length >= minimum && classSwitchShare(piece) >= FRAGMENT_MIN_SWITCH_SHARE) bits += piece.length * 6;
    }
  }
  return Math.round(bits / 8);
}
/**
 * Shorter tokens are ordinary codes (batch numbers, 12-13 character serials, a hash's first characters): at 12
 * an analyst saving a clue a minute with such a code reached the window in under an hour (the bench's values did).
 */
const FRAGMENT_MIN_TOKEN = 16;
/** Identifiers in capitals and digits (VINs 17, parcel numbers 18, serials) are one token each: base32 runs longer. */
const FRAGMENT_MIN_SINGLE_CASE_TOKEN = 20;
/**
 * Base64 switches class (upper/lower/digit/symbol) at about 60% of positions, base32 (upper case and 2-7) at
 * about 30%; words under 5% (Title Case is not a switch), most product codes under 25%.
 */
const FRAGMENT_MIN_SWITCH_SHARE = 0.25;

function classSwitchShare(token: string): number {
  let switches = 0;
  let previous = -1;
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    const cls = c >= 65 && c <= 90 ? UPPER : c >= 97 && c <= 122 ? LOWER : c >= 48 && c <= 57 ? DIGIT : SYMBOL;
    if (previous !== -1 && cls !== previous && !(previous === UPPER && cls === LOWER)) switches++;
    previous = cls;
  }
  return switches / Math.max(1, token.length - 1);
}
