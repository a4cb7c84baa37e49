// Language and script codes the facets accept, beside world-countries' ISO 639-3 codes: the ISO 639-1 two-letter
// code of each language that has one (analysts type "pl", the package says "pol"), and the ISO 15924 script each
// language is usually written in. Browser-safe: the clue form offers these as autocomplete.
// Sources: ISO 639-2 Registration Authority code list (loc.gov/standards/iso639-2), ISO 15924 (unicode.org/iso15924),
// compiled 2026-12-01 for the languages world-countries 5.1.0 lists.

/** ISO 639-1 -> the ISO 639-3 codes world-countries uses for it (Persian covers Dari; Norwegian its two written forms). */
export const ISO639_1_TO_3: Record<string, readonly string[]> = {
  af: ["afr"], am: ["amh"], ar: ["ara", "mey"], ay: ["aym"], az: ["aze"], be: ["bel"], bg: ["bul"], bi: ["bis"], bn: ["ben"],
  bs: ["bos"], ca: ["cat"], ch: ["cha"], cs: ["ces"], da: ["dan"], de: ["deu", "gsw", "bar"], dv: ["div"], dz: ["dzo"], el: ["ell"],
  en: ["eng"], es: ["spa"], et: ["est"], fa: ["fas", "prs"], fi: ["fin"], fj: ["fij"], fo: ["fao"], fr: ["fra"], ga: ["gle"],
  gn: ["grn"], gv: ["glv"], he: ["heb"], hi: ["hin"], ho: ["hmo"], hr: ["hrv"], ht: ["hat"], hu: ["hun"], hy: ["hye"], hz: ["her"],
  id: ["ind"], is: ["isl"], it: ["ita"], ja: ["jpn"], ka: ["kat"], kg: ["kon"], kk: ["kaz"], kl: ["kal"], km: ["khm"], ko: ["kor"],
  ku: ["ckb"], ky: ["kir"], la: ["lat"], lb: ["ltz"], ln: ["lin"], lo: ["lao"], lt: ["lit"], lv: ["lav"], mg: ["mlg"], mh: ["mah"],
  mi: ["mri"], mk: ["mkd"], mn: ["mon"], ms: ["msa"], mt: ["mlt"], my: ["mya"], na: ["nau"], nb: ["nob", "nor"], nd: ["nde"],
  ne: ["nep"], ng: ["ndo"], nl: ["nld"], nn: ["nno", "nor"], no: ["nor", "nob", "nno"], nr: ["nbl"], ny: ["nya"], pl: ["pol"],
  ps: ["pus"], pt: ["por"], qu: ["que"], rm: ["roh"], rn: ["run"], ro: ["ron"], ru: ["rus"], rw: ["kin"], se: ["smi"], sg: ["sag"],
  si: ["sin"], sk: ["slk"], sl: ["slv"], sm: ["smo"], sn: ["sna"], so: ["som"], sq: ["sqi"], sr: ["srp", "cnr"], ss: ["ssw"],
  st: ["sot"], sv: ["swe"], sw: ["swa"], ta: ["tam"], tg: ["tgk"], th: ["tha"], ti: ["tir"], tk: ["tuk"], tl: ["fil"], tn: ["tsn"],
  to: ["ton"], tr: ["tur"], ts: ["tso"], uk: ["ukr"], ur: ["urd"], uz: ["uzb"], ve: ["ven"], vi: ["vie"], xh: ["xho"], zh: ["zho"],
  zu: ["zul"],
};

/** ISO 15924 script of each ISO 639-3 language not usually written in Latin script (every other one: Latn). */
export const NON_LATIN_SCRIPTS: Record<string, readonly string[]> = {
  amh: ["Ethi"], ara: ["Arab"], arc: ["Syrc"], bel: ["Cyrl"], ben: ["Beng"], bul: ["Cyrl"], ckb: ["Arab"], cnr: ["Latn", "Cyrl"],
  div: ["Thaa"], dzo: ["Tibt"], ell: ["Grek"], fas: ["Arab"], heb: ["Hebr"], hin: ["Deva"], hye: ["Armn"], jpn: ["Jpan"],
  kat: ["Geor"], kaz: ["Cyrl"], khm: ["Khmr"], kir: ["Cyrl"], kor: ["Kore"], lao: ["Laoo"], mey: ["Arab"], mkd: ["Cyrl"],
  mon: ["Cyrl"], mya: ["Mymr"], nep: ["Deva"], prs: ["Arab"], pus: ["Arab"], rus: ["Cyrl"], sin: ["Sinh"], srp: ["Cyrl", "Latn"],
  tam: ["Taml"], tgk: ["Cyrl"], tha: ["Thai"], tir: ["Ethi"], ukr: ["Cyrl"], urd: ["Arab"], zho: ["Hani"], bos: ["Latn", "Cyrl"],
  ber: ["Tfng", "Latn", "Arab"],
};

/** Chinese is written in traditional characters here, simplified elsewhere. */
export const TRADITIONAL_CHINESE_COUNTRIES: readonly string[] = ["TW", "HK", "MO"];

/** The scripts the facet accepts, with names for the form. Hani covers both Hans and Hant. */
export const SCRIPTS: Record<string, string> = {
  Latn: "Latin", Cyrl: "Cyrillic", Arab: "Arabic", Grek: "Greek", Hebr: "Hebrew", Armn: "Armenian", Geor: "Georgian",
  Deva: "Devanagari", Beng: "Bengali", Taml: "Tamil", Sinh: "Sinhala", Thai: "Thai", Laoo: "Lao", Khmr: "Khmer",
  Mymr: "Myanmar", Tibt: "Tibetan", Thaa: "Thaana", Ethi: "Ethiopic", Syrc: "Syriac", Tfng: "Tifinagh", Hani: "Han (Chinese)",
  Hans: "Han, simplified", Hant: "Han, traditional", Jpan: "Japanese (kana and kanji)", Kore: "Korean (Hangul)", Hang: "Hangul",
};
