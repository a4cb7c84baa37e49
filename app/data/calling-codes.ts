// How a country's calling codes are read from world-countries' idd { root, suffixes } (shared by the facet
// vocabulary generator and the reference data, so both give the same codes).

/** A country's calling codes: "+48"; NANP islands "+1876"; the US, Canada (+1 with hundreds of area codes) and +7 keep the root. */
export function callingCodesOf(idd: { root?: string; suffixes?: string[] }): string[] {
  if (!idd.root) return [];
  const suffixes = idd.suffixes ?? [];
  if (suffixes.length === 1) return [`${idd.root}${suffixes[0]}`];
  if (idd.root === "+1" && suffixes.length > 0 && suffixes.length < 20) return suffixes.map((suffix) => `${idd.root}${suffix}`);
  return [idd.root];
}
