import { describe, expect, it } from "vitest";
import { z } from "zod";
import {
  checkTextOnly,
  ENCODED_WINDOW,
  encodedFragmentBytes,
  findMediaInValue,
  TEXT_ONLY_MESSAGES,
  textOnly,
  type TextRefusalCode,
} from "../../app/validation/text-only";
import { ascii85Body, pseudoRandomBytes } from "../helpers/encoded-bytes";

// ---------------------------------------------------------------------------
// Fixtures: realistic binary, generated from bytes so nothing opaque is pasted in
// ---------------------------------------------------------------------------


const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const PNG_IHDR = [
  0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x10, 0x08, 0x06,
  0x00, 0x00, 0x00, 0x1f, 0xf3, 0xff, 0x61,
];
/** A small "PNG": signature, IHDR, then 300 bytes of IDAT-like noise. */
const PNG_BYTES = Buffer.concat([Buffer.from(PNG_SIGNATURE), Buffer.from(PNG_IHDR), pseudoRandomBytes(300)]);
const PNG_BASE64 = PNG_BYTES.toString("base64");
/** The PNG signature repeated (periodic, not random) — still an encoded blob. */
const REPEATED_SIGNATURE_BASE64 = Buffer.from(Array.from({ length: 40 }, () => PNG_SIGNATURE).flat()).toString("base64");
/** Random payload without a file signature, so only the statistics can catch it. */
const NOISE_BASE64 = pseudoRandomBytes(240, 7).toString("base64");
const NOISE_BASE64URL = pseudoRandomBytes(240, 11).toString("base64url");
/** The classic 1x1 transparent PNG. */
const TINY_PNG_BASE64 =
  "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==";
const TINY_GIF_BASE64 = "R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7";
const JPEG_HEADER = [0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 0x4a, 0x46, 0x49, 0x46, 0x00, 0x01, 0x01, 0x01, 0x00, 0x48];
const JPEG_BYTES = Buffer.concat([Buffer.from(JPEG_HEADER), pseudoRandomBytes(200, 3)]);

function wrap(text: string, width: number, separator = "\n"): string {
  const lines: string[] = [];
  for (let i = 0; i < text.length; i += width) lines.push(text.slice(i, i + width));
  return lines.join(separator);
}
const toFullWidth = (s: string): string =>
  s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0x21 + 0xff01));
const hexDump = (bytes: Buffer, separator = " "): string =>
  [...bytes].map((b) => b.toString(16).padStart(2, "0")).join(separator);

const SHA256_LOWER = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
const SHA256_UPPER = "E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855";
const SHA1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709";
const MD5 = "d41d8cd98f00b204e9800998ecf8427e";
const SHA512 =
  "cf83e1357eefb8bdf1542850d66d8007d620e4050b5715dc83f4a921d36ce9ce47d0d13c5d85f2b0ff8318d2877eec2f63b931bd47417a81a538327af927da3e";
const SHA384 = "38b060a751ac96384cd9327eb1b1e36a21fdb71114be07434c0cc7bf63f6e1da274edebfe76f65fbd51ad2f14898b95b";

type RefusedCase = [title: string, input: string, code: TextRefusalCode];
type AllowedCase = [title: string, input: string];

// ---------------------------------------------------------------------------
// Refused corpus
// ---------------------------------------------------------------------------

const refusedDataUris: RefusedCase[] = [
  ["refuses a PNG data URI", `data:image/png;base64,${TINY_PNG_BASE64}`, "DATA_URI"],
  ["refuses an upper-case HTML data URI", "DATA:text/html,<h1>hello</h1>", "DATA_URI"],
  ["refuses a data URI without a MIME type", "data:,Hello%2C%20World!", "DATA_URI"],
  ["refuses a data URI with only ;base64", "data:;base64,SGVsbG8sIFdvcmxkIQ==", "DATA_URI"],
  ["refuses a JPEG data URI inside an img attribute", '<img src="data:image/jpeg;base64,/9j/4AAQSkZJRg">', "DATA_URI"],
  ["refuses an SVG data URI with utf8 payload", "data:image/svg+xml;utf8,<svg xmlns='http://www.w3.org/2000/svg'/>", "DATA_URI"],
  ["refuses a data URI with a charset parameter", "data:text/plain;charset=utf-8;base64,SGk=", "DATA_URI"],
  ["refuses an octet-stream data URI", "data:application/octet-stream;base64,AAAA", "DATA_URI"],
  ["refuses a video data URI", "data:video/mp4;base64,AAAAIGZ0eXBpc29t", "DATA_URI"],
  ["refuses an audio data URI", "data:audio/mpeg;base64,SUQzBAAAAAAA", "DATA_URI"],
  ["refuses a data URI in the middle of prose", "see this: data:image/gif;base64,R0lGODlhAQABAAAAACw= thanks", "DATA_URI"],
  ["refuses a data URI inside JSON", '{"avatar":"data:image/webp;base64,UklGRiQAAABXRUJQ"}', "DATA_URI"],
  ["refuses a data URI inside CSS url()", "background:url(data:image/png;base64,iVBORw0KGgo=)", "DATA_URI"],
  ["refuses a data URI split by a space in the scheme", "da ta:image/png;base64,iVBORw0KGgo=", "DATA_URI"],
  ["refuses a data URI split letter by letter with newlines", "d\na\nt\na:image/png;base64,iVBORw0KGgo=", "DATA_URI"],
  ["refuses a data URI with a newline after the colon", "data:\nimage/png;base64,iVBORw0KGgo=", "DATA_URI"],
  ["refuses a spaced-out data URI with ;base64,", "data: image/png ; base64 , iVBORw0KGgo=", "DATA_URI"],
  ["refuses a spaced-out HTML data URI with a glued payload", "data: text/html,<b>x</b>", "DATA_URI"],
  ["refuses a data URI with a space inside the MIME type", "data:ima ge/png;base64,iVBORw0KGgo=", "DATA_URI"],
  ["refuses a data URI split by zero-width spaces", "da\u200bta:\u200bimage/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI split by a word joiner and a BOM", "data\u2060:\ufeffimage/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI split by soft hyphens", "da\u00adta:image/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI split by ZWNJ and ZWJ", "d\u200ca\u200dta:image/png;base64,AAAA", "DATA_URI"],
  ["refuses a full-width data URI", "ｄａｔａ：ｉｍａｇｅ／ｐｎｇ；ｂａｓｅ６４，AAAA", "DATA_URI"],
  ["refuses a data URI with a full-width colon only", "data：image/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI with &colon;", "data&colon;image/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI written in decimal entities", "&#100;&#97;&#116;&#97;&#58;image/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI in hex entities without semicolons", "&#x64&#x61&#x74&#x61&#x3aimage/png;base64,AAAA", "DATA_URI"],
  ["refuses a URL-encoded data URI", "data%3Aimage%2Fpng%3Bbase64%2CAAAA", "DATA_URI"],
  ["refuses a double URL-encoded data URI", "data%253Aimage%252Fpng%253Bbase64%252CAAAA", "DATA_URI"],
  ["refuses a data URI with \\u escapes", "\\u0064ata\\u003aimage/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI with \\x escapes", "\\x64ata\\x3aimage/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI with a JSON-escaped slash", "data:image\\/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI combining full-width, zero-width and an entity", "ｄ\u200bata&#58;image/png;base64,AAAA", "DATA_URI"],
  ["refuses a data URI combining entity-in-percent encoding", "data%26%2358%3Bimage/png;base64,AAAA", "DATA_URI"],
];

const refusedBase64: RefusedCase[] = [
  ["refuses the base64 of a generated PNG", PNG_BASE64, "BASE64_BLOB"],
  ["refuses PNG base64 wrapped every 76 characters", wrap(PNG_BASE64, 76), "BASE64_BLOB"],
  ["refuses PNG base64 wrapped with CRLF", wrap(PNG_BASE64, 76, "\r\n"), "BASE64_BLOB"],
  ["refuses PNG base64 wrapped every 64 characters with indentation", wrap(PNG_BASE64, 64, "\n    "), "BASE64_BLOB"],
  ["refuses PNG base64 chunked into groups of four", wrap(NOISE_BASE64, 4, " "), "BASE64_BLOB"],
  ["refuses the base64 of a repeated PNG signature", REPEATED_SIGNATURE_BASE64, "BASE64_BLOB"],
  ["refuses random base64 without any file signature", NOISE_BASE64, "BASE64_BLOB"],
  ["refuses random base64url", NOISE_BASE64URL, "BASE64_BLOB"],
  ["refuses exactly 64 random base64 characters", NOISE_BASE64.slice(0, 64), "BASE64_BLOB"],
  ["refuses the classic 1x1 PNG", TINY_PNG_BASE64, "BASE64_BLOB"],
  ["refuses a 1x1 GIF", TINY_GIF_BASE64, "BASE64_BLOB"],
  ["refuses JPEG base64", JPEG_BYTES.toString("base64"), "BASE64_BLOB"],
  ["refuses PDF base64", Buffer.from("%PDF-1.4\n%\u00e2\u00e3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "latin1").toString("base64"), "BASE64_BLOB"],
  ["refuses SVG base64", Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"></svg>').toString("base64"), "BASE64_BLOB"],
  ["refuses base64 inside a sentence", `here is the photo ${PNG_BASE64} please check`, "BASE64_BLOB"],
  ["refuses base64 inside a JSON string", `{"img":"${NOISE_BASE64}"}`, "BASE64_BLOB"],
  ["refuses base64 after a label and line breaks", `Attachment:\n${wrap(NOISE_BASE64, 76)}`, "BASE64_BLOB"],
  ["refuses base64 split by zero-width spaces", wrap(NOISE_BASE64, 10, "\u200b"), "BASE64_BLOB"],
  ["refuses percent-encoded base64", NOISE_BASE64.replace(/\+/g, "%2B").replace(/\//g, "%2F").replace(/=/g, "%3D"), "BASE64_BLOB"],
  ["refuses full-width base64", toFullWidth(NOISE_BASE64.slice(0, 100)), "BASE64_BLOB"],
  ["refuses a long base64 payload in a URL query", `https://example.com/upload?data=${pseudoRandomBytes(300, 5).toString("base64url")}`, "BASE64_BLOB"],
  ["refuses a PNG signature in base64 inside a URL", `https://example.com/u?d=${TINY_PNG_BASE64}`, "BASE64_BLOB"],
];

const refusedHex: RefusedCase[] = [
  ["refuses a contiguous hex dump of a PNG", PNG_BYTES.toString("hex"), "HEX_BLOB"],
  ["refuses 130 hex digits (longer than SHA-512)", SHA512 + "ab", "HEX_BLOB"],
  ["refuses three SHA-256 hashes glued together", SHA256_LOWER + SHA256_LOWER + SHA256_LOWER, "HEX_BLOB"],
  ["refuses a spaced hex dump of a JPEG header", hexDump(JPEG_BYTES.subarray(0, 24)), "HEX_BLOB"],
  ["refuses an upper-case hex dump with line breaks", wrap(hexDump(JPEG_BYTES.subarray(0, 64)).toUpperCase(), 48), "HEX_BLOB"],
  ["refuses a hex dump separated by tabs", hexDump(PNG_BYTES.subarray(0, 32), "\t"), "HEX_BLOB"],
  [
    "refuses xxd output",
    "00000000: 8950 4e47 0d0a 1a0a 0000 000d 4948 4452  .PNG........IHDR\n00000010: 0000 0010 0000 0010 0806 0000 001f f3ff  ................",
    "HEX_BLOB",
  ],
  ["refuses a C byte array", [...PNG_BYTES.subarray(0, 32)].map((b) => `0x${b.toString(16).padStart(2, "0")}`).join(", "), "HEX_BLOB"],
  ["refuses a run of \\x escaped bytes", [...PNG_BYTES.subarray(0, 16)].map((b) => `\\x${b.toString(16).padStart(2, "0")}`).join(""), "HEX_BLOB"],
  ["refuses a long run of %FF-style escapes", [...JPEG_BYTES.subarray(0, 24)].map((b) => `%${b.toString(16).padStart(2, "0").toUpperCase()}`).join(""), "HEX_BLOB"],
  ["refuses double-encoded %25FF-style escapes", [...JPEG_BYTES.subarray(0, 24)].map((b) => `%25${b.toString(16).padStart(2, "0")}`).join(""), "HEX_BLOB"],
  ["refuses a run of \\u00XX escaped bytes", [...PNG_BYTES.subarray(0, 20)].map((b) => `\\u00${b.toString(16).padStart(2, "0")}`).join(""), "HEX_BLOB"],
  ["refuses colon-separated bytes longer than any fingerprint", hexDump(pseudoRandomBytes(80, 9), ":"), "HEX_BLOB"],
  ["refuses a hex run split by zero-width spaces", wrap(PNG_BYTES.toString("hex"), 32, "\u200b"), "HEX_BLOB"],
  ["refuses a hex run in full-width digits", toFullWidth(pseudoRandomBytes(80, 4).toString("hex")), "HEX_BLOB"],
  ["refuses an escaped PNG signature", "\\x89PNG\\r\\n\\x1a\\n", "HEX_BLOB"],
  ["refuses a URL-encoded PNG signature", "%89PNG%0D%0A%1A%0A", "HEX_BLOB"],
  ["refuses a URL-encoded JPEG start-of-image", "%FF%D8%FF%E0 JFIF", "HEX_BLOB"],
  ["refuses escaped bytes scattered through text", "a\\x00b\\x00c\\x01d\\x02e\\x03f\\x00g\\x00h\\x04i\\x05", "HEX_BLOB"],
  ["refuses a short spaced hex dump starting with a JPEG signature", "ff d8 ff e0 00 10 4a 46", "HEX_BLOB"],
  ["refuses a short spaced hex dump starting with a PNG signature", "89 50 4E 47 0D 0A 1A 0A", "HEX_BLOB"],
  ["refuses a short contiguous hex PNG signature", "89504e470d0a1a0a0000000d", "HEX_BLOB"],
  ["refuses a Node Buffer printout", `<Buffer ${hexDump(JPEG_BYTES.subarray(0, 50))} ... 7994 more bytes>`, "HEX_BLOB"],
];

const refusedBinary: RefusedCase[] = [
  ["refuses a NUL character", "abc\u0000def", "BINARY"],
  ["refuses raw PNG bytes decoded as Latin-1", PNG_BYTES.toString("latin1"), "BINARY"],
  ["refuses raw JPEG bytes decoded as UTF-8", JPEG_BYTES.toString("utf8"), "BINARY"],
  ["refuses the PNG signature as text", "\u0089PNG\r\n\u001a\n", "BINARY"],
  ["refuses a bell character", "ring \u0007 ring", "BINARY"],
  ["refuses an ANSI escape character", "\u001b[31mred\u001b[0m", "BINARY"],
  ["refuses DEL", "abc\u007f", "BINARY"],
  ["refuses a C1 control character", "abc\u0085def", "BINARY"],
  ["refuses text starting with GIF89a", "GIF89a,\u00a0\u00ffpayload", "BINARY"],
  ["refuses text starting with GIF87a", "GIF87a....", "BINARY"],
  ["refuses a PDF header", "%PDF-1.7\n%\u00e2\u00e3\u00cf\u00d3\n1 0 obj\n<< /Type /Catalog >>", "BINARY"],
  ["refuses a PostScript header", "%!PS-Adobe-3.0 EPSF-3.0", "BINARY"],
  ["refuses a PNG signature decoded as Windows-1252", "\u2030PNG IHDR", "BINARY"],
  ["refuses a JPEG start-of-image decoded as Latin-1", "\u00ff\u00d8\u00ff\u00e0 JFIF", "BINARY"],
  ["refuses a RIFF/WebP header", "RIFFabcdWEBPVP8 ", "BINARY"],
  ["refuses an entity-encoded PNG signature", "&#x89;PNG", "BINARY"],
  ["refuses many U+FFFD replacement characters (binary read as UTF-8)", "\ufffd".repeat(20) + "JFIF", "BINARY"],
  ["refuses entity-encoded control characters", "&#0;&#1;&#2;&#3;&#4;&#5;&#6;&#7;&#8;", "BINARY"],
];

const refusedMarkup: RefusedCase[] = [
  ["refuses an img tag", '<img src="photo.jpg">', "MEDIA_MARKUP"],
  ["refuses an upper-case IMG tag", '<IMG SRC="photo.png">', "MEDIA_MARKUP"],
  ["refuses an img tag with a slash before the attribute", "<img/src=x>", "MEDIA_MARKUP"],
  ["refuses a bare <img", "<img", "MEDIA_MARKUP"],
  ["refuses a self-closed img", "<img/>", "MEDIA_MARKUP"],
  ["refuses an img tag with a tab before the attribute", "<img\tsrc=x>", "MEDIA_MARKUP"],
  ["refuses an inline svg", "<svg xmlns='http://www.w3.org/2000/svg'><circle r='5'/></svg>", "MEDIA_MARKUP"],
  ["refuses an svg tag without attributes", "<svg><path d='M0 0'/></svg>", "MEDIA_MARKUP"],
  ["refuses a closing svg tag alone", "</svg>", "MEDIA_MARKUP"],
  ["refuses svg with an onload attribute", "<svg/onload=alert(1)>", "MEDIA_MARKUP"],
  ["refuses a video with source", "<video controls><source src='a.mp4'></video>", "MEDIA_MARKUP"],
  ["refuses a video with src", "<video src=clip.mp4>", "MEDIA_MARKUP"],
  ["refuses a video with only boolean attributes", "<video autoplay muted loop>", "MEDIA_MARKUP"],
  ["refuses an audio tag", "<audio src=a.mp3 autoplay>", "MEDIA_MARKUP"],
  ["refuses a picture with source srcset", "<picture><source srcset='a.webp'></picture>", "MEDIA_MARKUP"],
  ["refuses a bare picture tag", "<picture>", "MEDIA_MARKUP"],
  ["refuses an object tag", "<object data='movie.swf' type='application/x-shockwave-flash'>", "MEDIA_MARKUP"],
  ["refuses an embed tag", "<embed src='x.swf'>", "MEDIA_MARKUP"],
  ["refuses an iframe", "<iframe src='https://example.com/page'></iframe>", "MEDIA_MARKUP"],
  ["refuses an iframe with a boolean attribute", "<iframe allowfullscreen>", "MEDIA_MARKUP"],
  ["refuses a canvas", "<canvas id='c' width='10'></canvas>", "MEDIA_MARKUP"],
  ["refuses an SVG image element", "<image href='a.png' width='10'/>", "MEDIA_MARKUP"],
  ["refuses a namespaced SVG image element", "<svg:image xlink:href='a.png'/>", "MEDIA_MARKUP"],
  ["refuses CSS background:url()", "background:url(a.png)", "MEDIA_MARKUP"],
  ["refuses CSS background-image with a quoted url", "background-image: url('x.jpg')", "MEDIA_MARKUP"],
  ["refuses CSS background with a space before the parenthesis", "background: url (x.png)", "MEDIA_MARKUP"],
  ["refuses an upper-case URL() in a style rule", "div { background: URL(photo) }", "MEDIA_MARKUP"],
  ["refuses image-set()", "-webkit-image-set('a.png' 1x)", "MEDIA_MARKUP"],
  ["refuses a bare src= attribute", "src=https://example.com/x", "MEDIA_MARKUP"],
  ["refuses a srcset attribute", 'srcset="a 1x, b 2x"', "MEDIA_MARKUP"],
  ["refuses a poster attribute", 'poster="frame"', "MEDIA_MARKUP"],
  ["refuses a data-src attribute", "<div data-src=lazy>", "MEDIA_MARKUP"],
  ["refuses a legacy background attribute", '<body background="bg">', "MEDIA_MARKUP"],
  ["refuses a markdown image", "![victim photo](https://example.com/p)", "MEDIA_MARKUP"],
  ["refuses a markdown image with empty alt", "![](x)", "MEDIA_MARKUP"],
  ["refuses a reference-style markdown image", "![alt][ref]", "MEDIA_MARKUP"],
  ["refuses a shortcut markdown image with its definition", "![logo]\n\n[logo]: https://example.com/l", "MEDIA_MARKUP"],
  ["refuses a BBCode img", "[img]https://example.com/a[/img]", "MEDIA_MARKUP"],
  ["refuses an img tag with spaces inside the name", "<i m g src=x>", "MEDIA_MARKUP"],
  ["refuses an img tag with a space after <", "< img src=x>", "MEDIA_MARKUP"],
  ["refuses an img tag split by newlines", "<\nimg\nsrc=x>", "MEDIA_MARKUP"],
  ["refuses an img tag split by zero-width spaces", "<i\u200bm\u200bg src=x>", "MEDIA_MARKUP"],
  ["refuses an img tag glued to its attribute by a zero-width space", "<img\u200bsrc=x>", "MEDIA_MARKUP"],
  ["refuses a full-width img tag", "＜ｉｍｇ ｓｒｃ＝ｘ＞", "MEDIA_MARKUP"],
  ["refuses a small-form less-than img tag", "\ufe64img src=x>", "MEDIA_MARKUP"],
  ["refuses an img tag with an accent on the i", "<\u00edmg src=x>", "MEDIA_MARKUP"],
  ["refuses an img tag with a combining accent", "<i\u0301mg src=x>", "MEDIA_MARKUP"],
  ["refuses &lt;img", "&lt;img src=x&gt;", "MEDIA_MARKUP"],
  ["refuses upper-case &LT;svg", "&LT;svg&GT;", "MEDIA_MARKUP"],
  ["refuses &ltimg without a semicolon", "&ltimg src=x", "MEDIA_MARKUP"],
  ["refuses a decimal entity &#60;img", "&#60;img src=x>", "MEDIA_MARKUP"],
  ["refuses a zero-padded decimal entity", "&#0000060;img src=x>", "MEDIA_MARKUP"],
  ["refuses a hex entity &#x3C;img", "&#x3C;img src=x>", "MEDIA_MARKUP"],
  ["refuses a hex entity without a semicolon", "&#x3cimg src=x>", "MEDIA_MARKUP"],
  ["refuses an upper-case hex entity", "&#X3C;IMG SRC=x>", "MEDIA_MARKUP"],
  ["refuses a double-encoded entity", "&amp;lt;img src=x&amp;gt;", "MEDIA_MARKUP"],
  ["refuses a URL-encoded img tag", "%3Cimg%20src%3Dx%3E", "MEDIA_MARKUP"],
  ["refuses a double URL-encoded img tag", "%253Cimg src=x>", "MEDIA_MARKUP"],
  ["refuses an entity hidden in URL encoding", "%26lt%3Bimg src=x", "MEDIA_MARKUP"],
  ["refuses a \\u003c escaped img tag", "\\u003cimg src=x>", "MEDIA_MARKUP"],
  ["refuses a \\u{3c} escaped svg tag", "\\u{3c}svg>", "MEDIA_MARKUP"],
  ["refuses a \\x3C escaped img tag", "\\x3Cimg src=x>", "MEDIA_MARKUP"],
  ["refuses a URL-encoded full-width less-than", "%EF%BC%9Cimg src=x>", "MEDIA_MARKUP"],
  ["refuses a spaced-out url(", "u r l(photo)", "MEDIA_MARKUP"],
  ["refuses url ( with a quoted value", "url ('x.png')", "MEDIA_MARKUP"],
  ["refuses an img tag inside a chat message", "look at this <img src=cid:1234> ok?", "MEDIA_MARKUP"],
];

const refusedLinks: RefusedCase[] = [
  ["refuses an https link to a JPEG", "https://example.com/photo.jpg", "MEDIA_LINK"],
  ["refuses an http link with an upper-case extension", "http://example.com/a/b/c.JPEG", "MEDIA_LINK"],
  ["refuses a media link followed by a query", "https://example.com/p.png?size=large", "MEDIA_LINK"],
  ["refuses a media link followed by a fragment", "https://example.com/p.png#frag", "MEDIA_LINK"],
  ["refuses a video link with query and fragment", "https://example.com/clip.mp4?t=10#x", "MEDIA_LINK"],
  ["refuses an ftp link to an archive", "ftp://files.example.com/evidence.zip", "MEDIA_LINK"],
  ["refuses an s3 link to an image", "s3://bucket/evidence/img_001.png", "MEDIA_LINK"],
  ["refuses a protocol-relative media link", "//cdn.example.com/img/a.webp", "MEDIA_LINK"],
  ["refuses a bare-domain media link", "example.com/x.jpg", "MEDIA_LINK"],
  ["refuses a www media link", "see www.example.com/media/a.heic for details", "MEDIA_LINK"],
  ["refuses a media link followed by sentence punctuation", "It is at cdn.example.co.uk/a.gif.", "MEDIA_LINK"],
  ["refuses a media link in parentheses", "(see https://example.com/a.png)", "MEDIA_LINK"],
  ["refuses an IP-address media link", "192.168.0.10/cam/snapshot.jpg", "MEDIA_LINK"],
  ["refuses a localhost media link", "localhost:8080/a.png", "MEDIA_LINK"],
  ["refuses a Twitter-style :large image link", "https://pbs.twimg.com/media/abc.jpg:large", "MEDIA_LINK"],
  ["refuses a media URL nested in a query", "https://example.com/proxy?u=https://x.org/a.jpg", "MEDIA_LINK"],
  ["refuses a URL-encoded nested media URL", "https://example.com/proxy?u=https%3A%2F%2Fx.org%2Fa.jpg", "MEDIA_LINK"],
  ["refuses a media link with a URL-encoded dot", "https://example.com/photo%2Ejpg", "MEDIA_LINK"],
  ["refuses a media link with an entity-encoded colon", "https&#58;//example.com/a.png", "MEDIA_LINK"],
  ["refuses a full-width media link", "https：／／example.com／a．png", "MEDIA_LINK"],
  ["refuses a media link broken by a newline", "https://example.com/ph\noto.jpg", "MEDIA_LINK"],
  ["refuses a media link with a zero-width space in the extension", "https://example.com/photo.j\u200bpg", "MEDIA_LINK"],
  ["refuses a JSON-escaped media link", "https:\\/\\/example.com\\/a.png", "MEDIA_LINK"],
  ["refuses a media link written with backslashes", "https:\\\\example.com\\a.png", "MEDIA_LINK"],
  ["refuses an upper-case media link", "HTTPS://EXAMPLE.COM/A.PNG", "MEDIA_LINK"],
  ["refuses a markdown link to an image file", "[photo](https://example.com/a.jpg)", "MEDIA_LINK"],
  ["refuses an anchor to an image file", "<a href='https://example.com/a.jpg'>photo</a>", "MEDIA_LINK"],
  ["refuses a blob: URL", "blob:https://example.com/550e8400-e29b-41d4-a716-446655440000", "MEDIA_LINK"],
  ["refuses a blob:null URL", "blob:null/7f3c1a2b-0000-4000-8000-000000000000", "MEDIA_LINK"],
  ["refuses a file:/// URL", "file:///C:/Users/jan/notes.txt", "MEDIA_LINK"],
  ["refuses a file:/ URL", "file:/etc/hosts", "MEDIA_LINK"],
  ["refuses an upper-case FILE:// URL", "FILE://server/share/x", "MEDIA_LINK"],
  ["refuses a spaced-out file: URL", "f i l e:///tmp/x", "MEDIA_LINK"],
  // links that name no media extension (issue 10)
  ["refuses a query value naming the file", "https://example.com/download?file=victim.jpg", "MEDIA_LINK"],
  ["refuses a search query naming an image file", "https://example.com/search?q=photo.jpg", "MEDIA_LINK"],
  ["refuses a fragment naming the file", "https://example.com/gallery#IMG_0042.HEIC", "MEDIA_LINK"],
  ["refuses a query naming a video among other parameters", "https://example.com/get.php?id=7&name=clip.mp4&raw=1", "MEDIA_LINK"],
  ["refuses a Dropbox share link", "https://www.dropbox.com/s/a1b2c3d4e5/evidence?dl=0", "MEDIA_LINK"],
  ["refuses a Google Drive file link", "https://drive.google.com/file/d/1AbCdEfGhIjKlMnOp/view?usp=sharing", "MEDIA_LINK"],
  ["refuses a MEGA link", "https://mega.nz/file/AbCdEfGh#QwErTyUiOp", "MEDIA_LINK"],
  ["refuses a WeTransfer short link", "we.tl/t-AbCdEf1234", "MEDIA_LINK"],
  ["refuses an image host page", "https://imgur.com/a/Xy12AbC", "MEDIA_LINK"],
  ["refuses an image host subdomain", "https://i.imgur.com/Xy12AbC", "MEDIA_LINK"],
  ["refuses a bit.ly short link", "bit.ly/3xYzAbC", "MEDIA_LINK"],
  ["refuses a tinyurl short link", "https://tinyurl.com/2p8abcd", "MEDIA_LINK"],
  ["refuses a t.co short link", "https://t.co/AbC123xYz", "MEDIA_LINK"],
  ["refuses a media-serving subdomain of any site", "https://media.example-shop.com/p/9f3a2b", "MEDIA_LINK"],
  ["refuses a CDN subdomain", "https://cdn.example.org/u/7781", "MEDIA_LINK"],
  ["refuses a magnet link", "magnet:?xt=urn:btih:c12fe1c06bba254a9dc9f519b335aa7c1367a88a&dn=archive", "MEDIA_LINK"],
  ["refuses an ipfs:// link", "ipfs://QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "MEDIA_LINK"],
  ["refuses a bare IPFS CID", "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "MEDIA_LINK"],
  ["refuses a CIDv1", "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "MEDIA_LINK"],
  ["refuses an IPFS gateway path on any host", "https://gateway.example.net/ipfs/QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG", "MEDIA_LINK"],
  ["refuses an ed2k link", "ed2k://|file|x|1234|ABCDEF0123456789ABCDEF0123456789|/", "MEDIA_LINK"],
  ["refuses a dat:// link", "dat://778f8d955175c92e4ced5e4f5563f69bfec0c86cc6f670352c457943666fe639", "MEDIA_LINK"],
  ["refuses an HLS playlist", "https://live.example.net/channel/index.m3u8", "MEDIA_LINK"],
  ["refuses a DASH manifest", "https://example.net/v/stream.mpd", "MEDIA_LINK"],
  ["refuses a .torrent link", "https://example.net/t/files.torrent", "MEDIA_LINK"],
  ["refuses an RTMP stream", "rtmp://live.example.com/app/streamkey123", "MEDIA_LINK"],
  ["refuses an RTSP camera stream", "rtsp://192.168.1.20:554/Streaming/Channels/101", "MEDIA_LINK"],
  ["refuses an SRT stream", "srt://example.com:9000?streamid=abc", "MEDIA_LINK"],
  ["refuses an MMS stream", "mms://media.example.com/live", "MEDIA_LINK"],
  ["refuses a UDP multicast stream", "udp://@239.0.0.1:1234", "MEDIA_LINK"],
];

const MEDIA_EXTENSIONS_SAMPLE = [
  "jpg", "jpeg", "png", "gif", "bmp", "webp", "tif", "tiff", "heic", "heif", "avif", "svg", "ico", "raw", "cr2",
  "nef", "dng", "psd", "mp4", "m4v", "mov", "avi", "mkv", "webm", "wmv", "flv", "3gp", "mpg", "mpeg", "mp3",
  "wav", "ogg", "oga", "ogv", "flac", "aac", "m4a", "opus", "zip", "rar", "7z", "tar", "gz", "exe", "pdf",
];
const refusedExtensions: RefusedCase[] = MEDIA_EXTENSIONS_SAMPLE.map((ext) => [
  `refuses a link to a .${ext} file`,
  `https://files.example.org/case/item.${ext}`,
  "MEDIA_LINK",
]);

// ---------------------------------------------------------------------------
// Encoded bytes in other alphabets, scripts and layouts (issue 10): refused by their statistics
// ---------------------------------------------------------------------------

/** A small "JPEG": header then compressed-looking bytes; 300 bytes is under any real photo. */
const SMALL_JPEG = Buffer.concat([Buffer.from(JPEG_HEADER), pseudoRandomBytes(284, 99)]);
const encodeBaseN = (bytes: Buffer, alphabet: string): string => {
  let n = BigInt(`0x${bytes.toString("hex")}`);
  const base = BigInt(alphabet.length);
  let out = "";
  while (n > 0n) {
    out = alphabet[Number(n % base)] + out;
    n /= base;
  }
  return out;
};
const BASE32_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const base32 = (bytes: Buffer): string => {
  let bits = 0;
  let value = 0;
  let out = "";
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  return out;
};
const ascii85 = (bytes: Buffer): string => `<~${ascii85Body(bytes)}~>`;
const Z85_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ.-:+=^!/*?&<>()[]{}@%$#";
const z85 = (bytes: Buffer): string => ascii85(bytes).slice(2, -2).replace(/./g, (c) => Z85_ALPHABET[c.charCodeAt(0) - 33] as string);
const uuencode = (bytes: Buffer, header = true): string => {
  const lines: string[] = header ? ["begin 644 photo.jpg"] : [];
  for (let i = 0; i < bytes.length; i += 45) {
    const chunk = bytes.subarray(i, i + 45);
    let line = String.fromCharCode(32 + chunk.length);
    for (let j = 0; j < chunk.length; j += 3) {
      const a = chunk[j] ?? 0;
      const b = chunk[j + 1] ?? 0;
      const c = chunk[j + 2] ?? 0;
      for (const sextet of [a >> 2, ((a & 3) << 4) | (b >> 4), ((b & 15) << 2) | (c >> 6), c & 63]) {
        line += sextet === 0 ? "`" : String.fromCharCode(32 + sextet);
      }
    }
    lines.push(line);
  }
  return lines.join("\n");
};
const quotedPrintable = (bytes: Buffer): string =>
  [...bytes]
    .map((b) => (b >= 33 && b <= 126 && b !== 61 ? String.fromCharCode(b) : `=${b.toString(16).toUpperCase().padStart(2, "0")}`))
    .join("")
    .replace(/(.{75})/g, "$1=\n");
const perByte = (bytes: Buffer, map: (byte: number) => string, separator = ""): string => [...bytes].map(map).join(separator);
/** 256 common Chinese characters: a byte-to-character table an outsider might pick to look like text. */
const HAN_TABLE =
  "的一是不了在人有我他这个们中来上大为和国地到以说时要就出会可也你对生能而子那得于着下自之年过发后作里用道行所然家种事成方多经么去法学如都同现当没动面起看定天分还进好小部其些主样理心她本前开但因只从想实日军者意无力它与长把机十民第公此已工使情明性知全三又关点正业外将两高间由问很最重并物手应战向头文体政美相见被利什二等产或新己制身果加西斯月话合回特代内信表化老给世位次度门任常先海通教儿原东声提立及比员解水名真论处走义各入几口认条平系气题活尔更别打女变四神总何电数安少报才结反受目太量再感建务做接必场件计管期市直德资命山金指克许统区保至队形社便空决治展马科司五基眼书非则听白却界达光放强即像难且权思王象完设式色路记南品住告类求据程北边死张该交规万取拉格望觉术领共确传师观清今切院让识候带导争运笑飞风步改收根干造言联持组每济车亲极林服快办议往元";
/** One English word per byte (a PGP-style word list): 256 distinct words. */
const WORD_TABLE = Array.from({ length: 256 }, (_, i) => {
  const syllables = ["ka", "lo", "mi", "ne", "tu", "ra", "si", "po", "de", "fa", "gu", "he", "jo", "be", "vi", "zo"];
  return `${syllables[i >> 4]}${syllables[i & 15]}n`;
});
/** A hex dump of the JPEG cut into 64-digit lines, as if it were a list of SHA-256 hashes. */
const JPEG_AS_HASH_LINES = wrap(SMALL_JPEG.toString("hex").slice(0, 64 * 8), 64);

const refusedEncoded: RefusedCase[] = [
  ["refuses base32 of a small JPEG", base32(SMALL_JPEG), "ENCODED_BYTES"],
  ["refuses base32 wrapped in 17-character groups (VIN-sized)", wrap(base32(SMALL_JPEG), 17, " "), "ENCODED_BYTES"],
  ["refuses base36 of a small JPEG", encodeBaseN(SMALL_JPEG, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"), "ENCODED_BYTES"],
  ["refuses base58 of a small JPEG", encodeBaseN(SMALL_JPEG, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"), "BASE64_BLOB"],
  ["refuses ascii85 of a small JPEG", ascii85(SMALL_JPEG), "ENCODED_BYTES"],
  ["refuses ascii85 wrapped every 64 characters", wrap(ascii85(SMALL_JPEG), 64), "ENCODED_BYTES"],
  ["refuses Z85 of a small JPEG", z85(SMALL_JPEG), "ENCODED_BYTES"],
  ["refuses uuencode with its header", uuencode(SMALL_JPEG), "ENCODED_BYTES"],
  ["refuses uuencode lines without the header", uuencode(SMALL_JPEG, false), "ENCODED_BYTES"],
  ["refuses quoted-printable bytes of a PNG", quotedPrintable(PNG_BYTES), "BINARY"],
  ["refuses a decimal byte dump", perByte(SMALL_JPEG, String, " "), "ENCODED_BYTES"],
  ["refuses a comma-separated decimal byte array", `[${perByte(SMALL_JPEG, String, ",")}]`, "ENCODED_BYTES"],
  ["refuses an octal byte dump", perByte(SMALL_JPEG, (b) => b.toString(8).padStart(3, "0"), " "), "ENCODED_BYTES"],
  ["refuses octal escapes", perByte(PNG_BYTES.subarray(0, 64), (b) => `\\${b.toString(8).padStart(3, "0")}`), "BINARY"],
  ["refuses a bit dump in bytes", perByte(SMALL_JPEG.subarray(0, 40), (b) => b.toString(2).padStart(8, "0"), " "), "ENCODED_BYTES"],
  ["refuses braille, one pattern per byte", perByte(SMALL_JPEG, (b) => String.fromCodePoint(0x2800 + b)), "ENCODED_BYTES"],
  ["refuses one CJK character per byte from a block", perByte(SMALL_JPEG, (b) => String.fromCodePoint(0x4e00 + b)), "ENCODED_BYTES"],
  ["refuses one common Chinese character per byte", perByte(SMALL_JPEG, (b) => HAN_TABLE[b] as string), "ENCODED_BYTES"],
  ["refuses one Hangul syllable per byte", perByte(SMALL_JPEG, (b) => String.fromCodePoint(0xac00 + b)), "ENCODED_BYTES"],
  ["refuses one Cyrillic or Greek letter per byte", perByte(SMALL_JPEG, (b) => String.fromCodePoint(0x0400 + b)), "ENCODED_BYTES"],
  ["refuses two bytes per CJK character", perByte(pseudoRandomBytes(300, 5), (b) => String.fromCodePoint(0x4e00 + b * 64 + (b % 61))), "ENCODED_BYTES"],
  ["refuses one word per byte", perByte(SMALL_JPEG, (b) => WORD_TABLE[b] as string, " "), "ENCODED_BYTES"],
  ["refuses a hex dump laid out as SHA-256 lines", JPEG_AS_HASH_LINES, "ENCODED_BYTES"],
  ["refuses more hash-shaped lines than one text may hold", Array.from({ length: 33 }, (_, i) => pseudoRandomBytes(32, i + 1).toString("hex")).join("\n"), "ENCODED_BYTES"],
  ["refuses base32 inside a sentence (the base64 rule sees it first)", `Plate list follows ${base32(pseudoRandomBytes(300, 42))} end of list`, "BASE64_BLOB"],
];

// ---------------------------------------------------------------------------
// Allowed corpus
// ---------------------------------------------------------------------------

const LONG_ENGLISH =
  "On the morning of 12 May 2024 a patrol from the Warsaw district found personal effects near the river bank. " +
  "The items included a blue jacket, a plastic shampoo bottle with a partially readable label, and a receipt from a " +
  "drugstore. Analysts compared the product code with retailer catalogues and contacted three regional agencies. " +
  "Nobody has yet identified the owner; the case remains open and the team asks partner agencies to check their " +
  "records for similar items sold between March and April. Please describe any match in words and quote the hash " +
  "identifier of the original evidence file rather than attaching anything. ";
const LONG_POLISH =
  "Zażółć gęślą jaźń. Funkcjonariusze odnaleźli butelkę szamponu z częściowo czytelną etykietą oraz paragon z drogerii. " +
  "Prosimy o sprawdzenie, czy produkt o kodzie 5901234123457 był sprzedawany w Państwa regionie w marcu lub kwietniu. ";

const allowedCases: AllowedCase[] = [
  // hash identifiers
  ["allows an MD5 hash", MD5],
  ["allows an upper-case MD5 hash", MD5.toUpperCase()],
  ["allows a SHA-1 hash", SHA1],
  ["allows a SHA-256 hash", SHA256_LOWER],
  ["allows an upper-case SHA-256 hash", SHA256_UPPER],
  ["allows a SHA-384 hash", SHA384],
  ["allows a SHA-512 hash", SHA512],
  ["allows a sha256: prefixed hash", `sha256:${SHA256_LOWER}`],
  ["allows an md5: prefixed hash", `md5:${MD5}`],
  ["allows a labelled hash", `SHA-256: ${SHA256_UPPER}`],
  ["allows several hashes separated by spaces", `${SHA256_LOWER} ${SHA256_UPPER} ${SHA1} ${MD5}`],
  ["allows several hashes separated by commas", `${SHA256_LOWER}, ${SHA256_UPPER}, ${SHA512}`],
  ["allows several hashes separated by newlines", `${SHA512}\n${SHA256_UPPER}\n${SHA1.toUpperCase()}\n${MD5}`],
  ["allows an MD5 that happens to start like a JPEG header", "ffd8ffe000104a464946000101010048"],
  ["allows a colon-separated SHA-256 fingerprint", hexDump(Buffer.from(SHA256_UPPER, "hex"), ":").toUpperCase()],
  ["allows an SRI-style base64 hash", "sha512-9KhgCRIx/AmzC8xqYJTZRrnO8OW2Pxyl2DIMZSBOr0oDvtEFyht3xpp71j/r/pAe1DM+JI/A+line3jUBgzQ7A=="],
  ["allows agency-style ids", "PDNA-2024-000123, ICSE-00012345, NCMEC-CT-99812"],
  ["allows a base32 id", "MFRGGZDFMZTWQ2LKNNWG23TPOBYXE43UOV3HO6DZPI======"],
  ["allows a list of UUIDs", "550e8400-e29b-41d4-a716-446655440000 6ba7b810-9dad-11d1-80b4-00c04fd430c8 6ba7b811-9dad-11d1-80b4-00c04fd430c8"],
  ["allows a git commit id", "commit 4e0c2f6dfd01c306d067d7163319acc97c94ee5a"],
  // scripts and emoji
  ["allows Polish text", "Zażółć gęślą jaźń — ślady na brzegu rzeki."],
  ["allows Tagalog text", "Magandang umaga po, nakita namin ang bag sa tabi ng ilog."],
  ["allows Arabic text", "عثرنا على حقيبة زرقاء بالقرب من النهر"],
  ["allows Hebrew text", "מצאנו תיק כחול ליד הנהר"],
  ["allows Thai text", "พบกระเป๋าสีน้ำเงินใกล้แม่น้ำ"],
  ["allows Chinese text", "在河边发现了一个蓝色的包。"],
  ["allows Japanese text", "川の近くで青いバッグが見つかりました。"],
  ["allows Korean text", "강 근처에서 파란 가방을 발견했습니다."],
  ["allows Cyrillic text", "Найдена синяя сумка возле реки."],
  ["allows Devanagari text", "नदी के पास एक नीला बैग मिला।"],
  ["allows Greek text", "Βρέθηκε μια μπλε τσάντα κοντά στο ποτάμι."],
  ["allows Vietnamese text", "Tìm thấy một chiếc túi màu xanh gần sông."],
  ["allows emoji", "😀👍🏽 ok ✅"],
  ["allows ZWJ emoji sequences and flags", "👨‍👩‍👧 🏳️‍🌈 🇵🇱"],
  // codes, dates, prices
  ["allows an EAN-13 barcode", "5901234123457"],
  ["allows a dashed SKU", "8-710103-93528"],
  ["allows an alphanumeric SKU", "SKU: AB12-CD34-EF56, UPC 036000291452"],
  ["allows a spaced IBAN", "PL61 1090 1014 0000 0712 1981 2874"],
  ["allows a compact IBAN", "DE89370400440532013000"],
  ["allows phone numbers", "+48 22 123 45 67, 01 23 45 67 89"],
  ["allows dates and times", "2024-05-12, 12.05.2024 14:32, 05/12/24"],
  ["allows prices", "12,99 zł, €4.50, $1,299.00, 50% off, 100% cotton"],
  ["allows a VIN", "1HGCM82633A004352"],
  ["allows a cryptocurrency address", "0x742d35Cc6634C0532925a3b844Bc454e4438f44e"],
  ["allows a list of two-digit numbers", "10 20 30 40 50 60 70 80 90 11 21 31 41 51 61 71 81 91"],
  ["allows a list of years", "1990 1991 1992 1993 1994 1995 1996 1997 1998 1999 2000"],
  ["allows MAC addresses", "00:1a:2b:3c:4d:5e, 00:1a:2b:3c:4d:5f\n00:1a:2b:3c:4d:60"],
  ["allows an IPv6 address", "2001:0db8:85a3:0000:0000:8a2e:0370:7334"],
  ["allows hex colour codes", "#ff00aa and #FFF and color: #00ff00"],
  // URLs of web pages
  ["allows a shop product page", "https://www.rossmann.pl/produkt/szampon-xyz-12345"],
  ["allows a catalog URL with a query", "https://example.com/catalog?item=42"],
  ["allows a page whose name contains an image extension", "https://example.com/photo.jpg.html"],
  ["allows a URL whose query is ordinary search words", "https://example.com/search?q=blue+jacket+river&page=2"],
  ["allows prose naming protocols without an address", "udp: port 53 open; rtsp and rtmp are streaming protocols; magnet: see below; dat: 12.05.2024"],
  ["allows a Google Docs link and a news page", "https://docs.google.com/document/d/1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz-AbCdEfGh/edit and https://www.bbc.co.uk/news/world-europe-12345678"],
  ["allows an ordinary www host", "https://www.policja.pl/pol/aktualnosci/12345,Komunikat.html"],
  ["allows a Google Docs link with a long id", "https://docs.google.com/document/d/1A2b3C4d5E6f7G8h9I0jKlMnOpQrStUvWxYz-AbCdEfGh/edit"],
  ["allows a percent-encoded Cyrillic Wikipedia URL", "https://ru.wikipedia.org/wiki/%D0%9F%D0%BE%D0%BB%D0%B8%D1%86%D0%B8%D1%8F"],
  ["allows a URL in parentheses in prose", "the URL (https://example.com/shop) is on the receipt"],
  ["allows an HTML link to a web page", '<b>bold</b> and <a href="https://example.com/page">link</a>'],
  ["allows an exclamation followed by a markdown link", "Great! [see the report](https://example.com/report)"],
  ["allows an email address", "jan.kowalski@policja.gov.pl"],
  // file names and paths without a URL
  ["allows a file name mentioned in a sentence", "the suspect renamed photo.jpg to notes"],
  ["allows camera file names", "IMG_2024.HEIC and VID_0001.MP4 were mentioned in the interview"],
  ["allows a Windows path", "C:\\Users\\jan\\Pictures\\photo.jpg"],
  ["allows a Windows path with \\x in it", "C:\\xampp\\htdocs\\index.php"],
  ["allows a WhatsApp export line", "12/05/2024, 14:32 - Anna: <Media omitted>"],
  ["allows an iOS WhatsApp attachment line", "[12/05/2024, 14:32:11] Anna: <attached: 00000012-PHOTO-2024-05-12-14-32-11.jpg>"],
  // the word "data" and friends
  ["allows Metadata: none", "Metadata: none"],
  ["allows data: followed by prose", "data: see report"],
  ["allows meta data: none", "meta data: none"],
  ["allows Data: N/A", "Data: N/A"],
  ["allows Data: followed by a date", "Data:2024-05-12"],
  ["allows a MIME type mentioned in prose", "EXIF data: image/jpeg, 3 MB"],
  ["allows file: as a label", "File: report.docx"],
  ["allows the file:// scheme named in prose", "a `file://` URL"],
  ["allows Blob: as a label", "Blob: a shapeless mass of wax"],
  // words and symbols that look like markup
  ["allows comparisons", "a < b and c > d"],
  ["allows tight comparisons", "if x<y and y>z then"],
  ["allows a heart", "I <3 images"],
  ["allows angle-bracket placeholders", "<image omitted> <video redacted>"],
  ["allows a comparison before the word video", "length < video duration"],
  ["allows a generic type", "Array<Object> and Promise<Image>"],
  ["allows imagine", "imagine"],
  ["allows svgalib", "svgalib"],
  ["allows urlencoded", "urlencoded"],
  ["allows source of the shampoo", "source of the shampoo"],
  ["allows the word image in prose", "the image shows a socket"],
  ["allows url(s) in prose", "Check the url(s) in the report"],
  ["allows src and poster as words", "src folder; a poster on the wall; background check"],
  ["allows a query parameter called src", "https://example.com/page?src=newsletter&ref=42"],
  ["allows ampersands in names", "R&D, AT&T, Procter & Gamble"],
  // base64-looking but short or not random
  ["allows a short base64 word", "SGVsbG8="],
  ["allows another short base64 word", "aGVsbG8gd29ybGQ="],
  ["allows a video id", "dQw4w9WgXcQ"],
  ["allows a long camelCase identifier", "getAllUnidentifiedVictimRecordsFromRegionalDatabaseWithCaching"],
  ["allows a long PascalCase hashtag", "#MissingPersonAlertWarsawPoliceAskForHelpFindingAnnaKowalska"],
  ["allows environment-style assignments", "DOTENV_CONFIG_ENCODING=latin1 DOTENV_CONFIG_DEBUG=true node app.js"],
  ["allows a title-case headline", "Police Find Missing Woman In Forest Near Krakow After Three Week Search In 2024"],
  ["allows a long Unix path", "/home/analyst/Documents/Cases/2024/Unidentified/Reports/Final/Summary"],
  // whitespace and long text
  ["allows newlines and tabs", "line one\n\tline two\r\nline three"],
  ["allows a long English paragraph", LONG_ENGLISH.repeat(5)],
  ["allows a long Polish paragraph", LONG_POLISH.repeat(5)],
  ["allows an empty string", ""],
];

// ---------------------------------------------------------------------------
// Plain clue values that must pass (issue 10): identifiers, lists and prose in many scripts, long enough for
// the statistical rules to judge them (most are over ENCODED_WINDOW characters)
// ---------------------------------------------------------------------------

const VINS = ["1HGCM82633A004352", "WVWZZZ1JZXW000001", "JH4KA7561PC008269", "5YJSA1E14HF176324", "WBA3A5C51CF256651", "SALVA2AE4EH877322", "VF1RFB00X56034851", "TMBJJ7NE8F0157890", "ZFA19800004215734", "YV1CZ91H641097163", "KMHCT41DAEU512345", "JTDKB20U793512347"];
const EANS = ["5901234123457", "4006381333931", "8710103935284", "3017620422003", "5449000000996", "7622300441937", "4008400402222", "8000500310427", "5000112637922", "9002490100070", "3033710065967", "4001724819806", "5900259000002", "8711000532980", "7613035974685", "036000291452", "012345678905", "042100005264"];
const SHA256S = [SHA256_LOWER, "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae", "fcde2b2edba56bf408601fb721fe9b5c338d10ee429ea04fae5511b68fbf8fb9", "b5bb9d8014a0f9b1d61e21e796d78dccdf1352f23cd32812f4850b878ae4944c"];

const plainCorpus: AllowedCase[] = [
  ["allows a list of twelve VINs", VINS.join(", ")],
  ["allows VINs one per line with labels", VINS.map((vin, i) => `Vehicle ${i + 1}: ${vin}`).join("\n")],
  ["allows a list of EAN-13 and UPC-A codes", EANS.join(" ")],
  ["allows serial numbers from a seized phone and laptop", "IMEI 356938035643809, 490154203237518; S/N C02XK1FJJGH5, F17VX2ABHG7F, R58M41ABCDE; MAC 3C:22:FB:9A:11:0E; ICCID 8948031234567890123F; model SM-A515F/DSN, A2221 (EMC 3359)"],
  ["allows licence plates from several countries", "Plates seen: WX 12345 (PL), B-MW 1234 (DE), AB-123-CD (FR), 1-ABC-234 (BE), GB LV66 ZXC, NL 12-XYZ-3, ES 1234 BCD, IT AB 123 CD, CZ 1A2 3456, UA АА 1234 ВВ, RU А123ВС 77, GR ΙΚΒ-1234, TH กข 1234 กรุงเทพมหานคร, JP 品川 300 あ 12-34, KR 12가 3456"],
  ["allows phone numbers in many formats", "+48 22 123 45 67; +49 30 901820; +44 20 7946 0958; +1 (212) 555-0143; +33 1 42 68 53 00; +7 495 123-45-67; +66 2 123 4567; +81 3-1234-5678; +82 2-312-3456; +91 98765 43210; +972 3-123-4567; +971 4 123 4567; 0800 123 456; 112; 999"],
  ["allows postal addresses in many scripts", "ul. Marszałkowska 104/122, 00-017 Warszawa; Friedrichstraße 43-45, 10117 Berlin; 10 Rue de Rivoli, 75004 Paris; ул. Тверская, д. 7, Москва 125009; Οδός Ερμού 25, Αθήνα 105 63; شارع الملك فهد، الرياض 12271; רחוב דיזנגוף 50, תל אביב; 123 ถนนสุขุมวิท กรุงเทพฯ 10110; 東京都千代田区丸の内1-9-1; 서울특별시 중구 세종대로 110; 北京市朝阳区建国路88号; मुंबई, महाराष्ट्र 400001"],
  ["allows shop signs transcribed in many scripts", "Signs visible behind the subject: APTEKA (green cross), Żabka, Biedronka; «Продукты 24 часа»; «Аптека»; ΦΑΡΜΑΚΕΙΟ; صيدلية النهدي; מכולת השכונה; ร้านขายยา; 薬局 マツモトキヨシ; 편의점 GS25; 便利店 全家; दवा की दुकान; Nhà thuốc Long Châu; Eczane; Gyógyszertár; Lékárna"],
  ["allows transliterations beside originals", "Shop name: «Хлеб да соль» (Khleb da sol'), street sign «ул. Ленина» (ul. Lenina); Greek «Καφενείο Η Ωραία Ελλάς» (Kafeneio I Oraia Ellas); Arabic «مخبز السلام» (Makhbaz al-Salam); Hebrew «מאפיית הכרמל» (Ma'afiyat HaKarmel); Thai «ร้านข้าวมันไก่» (Ran Khao Man Kai); Hindi «शर्मा जनरल स्टोर» (Sharma General Store); Japanese «すき家» (Sukiya); Korean «김밥천국» (Gimbap Cheonguk); Chinese «老北京炸酱面» (Lǎo Běijīng zhájiàngmiàn)"],
  ["allows a labelled hash list as in the references field", SHA256S.map((h) => `SHA256:${h}`).concat([`MD5:${MD5}`, `SHA1:${SHA1}`, `SHA512:${SHA512}`]).join("\n")],
  ["allows a list of sixteen SHA-256 hashes in detail text", Array.from({ length: 16 }, (_, i) => pseudoRandomBytes(32, 1000 + i).toString("hex")).join("\n")],
  ["allows a long Polish clue with diacritics", "Na etykiecie szamponu widać fragment napisu „Ziołowy Ogród — pokrzywa i łopian, 400 ml”, numer partii L2403/17 oraz kod kreskowy zaczynający się od 590. Ściana za osobą jest wyłożona płytkami w kolorze écru z bordiurą w kwiaty; w rogu stoi grzejnik żeliwny. Przez okno widać fragment szyldu sklepu „Żabka” i przystanek autobusowy linii 517. Zegar na kuchence pokazuje 18:42. Proszę o sprawdzenie, czy ten wzór płytek był sprzedawany w sieci Castorama w latach 2019–2021."],
  ["allows a long Cyrillic clue", "На этикетке бутылки видна надпись «Минеральная вода „Боржоми“, 0,5 л», партия 12-03-2024. За спиной человека — ковёр с красно-коричневым орнаментом и сервант с хрустальной посудой. В окне виден фрагмент вывески «Пятёрочка» и остановка трамвая № 7. На календаре на стене — март 2024 года, реклама стоматологической клиники на улице Ленина, дом 15. Просим коллег проверить, продавались ли такие ковры в регионе."],
  ["allows a long Greek clue", "Στην ετικέτα του μπουκαλιού διακρίνεται η επιγραφή «Φυσικό μεταλλικό νερό Ζαγόρι, 500 ml», παρτίδα 240312. Πίσω από το πρόσωπο υπάρχει ντουλάπα με καθρέφτη και ένα ημερολόγιο του 2024 από φαρμακείο στην οδό Ερμού. Από το παράθυρο φαίνεται πινακίδα στάσης λεωφορείου με τον αριθμό 040 και μέρος μιας ταμπέλας «ΠΡΑΤΗΡΙΟ ΑΡΤΟΥ». Παρακαλούμε ελέγξτε αν το ημερολόγιο μοιράστηκε σε πελάτες."],
  ["allows a long Arabic clue", "يظهر على ملصق الزجاجة نص «مياه معدنية طبيعية، ٥٠٠ مل» ورقم التشغيلة ٢٤٠٣١٢. خلف الشخص خزانة خشبية وتقويم لعام ٢٠٢٤ من صيدلية في شارع الملك فهد. من النافذة تظهر لافتة محل «بقالة السلام» وجزء من لوحة سيارة بيضاء. نرجو من الزملاء التحقق مما إذا كان هذا التقويم قد وُزّع على زبائن الصيدلية في الرياض أو جدة خلال العام الماضي."],
  ["allows a long Hebrew clue", "על תווית הבקבוק נראה הכיתוב «מים מינרליים טבעיים, 500 מ\"ל» ומספר אצווה 240312. מאחורי האדם יש ארון עץ ולוח שנה של 2024 מבית מרקחת ברחוב דיזנגוף. מהחלון נראה שלט של «מכולת השכונה» ותחנת אוטובוס של קו 5. נבקש מהעמיתים לבדוק אם לוח השנה חולק ללקוחות בתל אביב או ברמת גן במהלך השנה שעברה, ואם יש תיעוד של הזמנה כזו."],
  ["allows a long Thai clue", "บนฉลากขวดมีข้อความว่า น้ำแร่ธรรมชาติ ขนาด 500 มล. ล็อตการผลิต 240312 ด้านหลังบุคคลมีตู้ไม้และปฏิทินปี 2567 ของร้านขายยาแห่งหนึ่งบนถนนสุขุมวิท มองเห็นป้ายร้านสะดวกซื้อและป้ายรถเมล์สาย 8 ผ่านหน้าต่าง ขอให้เพื่อนร่วมงานตรวจสอบว่าปฏิทินนี้แจกให้ลูกค้าในกรุงเทพมหานครหรือจังหวัดใกล้เคียงในปีที่ผ่านมาหรือไม่ และมีบันทึกการสั่งพิมพ์หรือไม่"],
  ["allows a long Devanagari clue", "बोतल के लेबल पर लिखा है «प्राकृतिक मिनरल वाटर, 500 मि.ली.» और बैच संख्या 240312। व्यक्ति के पीछे लकड़ी की अलमारी और एक दवा की दुकान का 2024 का कैलेंडर है। खिड़की से एक किराने की दुकान का बोर्ड और बस स्टॉप दिखाई देता है। कृपया जाँच करें कि क्या यह कैलेंडर पिछले वर्ष मुंबई या पुणे में ग्राहकों को बाँटा गया था और क्या इसकी छपाई का कोई रिकॉर्ड मौजूद है।"],
  ["allows a long Chinese clue", "瓶子标签上可以看到“天然矿泉水，500毫升”的字样，批号为240312。人物身后有一个木制衣柜，墙上挂着一家药店赠送的2024年日历，药店位于建国路。窗外可以看到一家便利店的招牌和一个公交车站，站牌上写着“8路”。请各位同事核实该日历是否在去年向北京或天津的顾客发放过，以及是否有印刷订单的记录。地板是浅色木地板，门边放着一双红色拖鞋。"],
  ["allows a long Japanese clue", "ボトルのラベルには「天然ミネラルウォーター 500ml」と書かれており、ロット番号は240312です。人物の後ろには木製のたんすがあり、壁には丸の内の薬局が配った2024年のカレンダーが掛かっています。窓からはコンビニの看板とバス停が見えます。このカレンダーが昨年東京や横浜の客に配られたかどうか、また印刷の注文記録があるかどうかを確認してください。床は明るい色のフローリングです。"],
  ["allows a long Korean clue", "병 라벨에는 「천연 미네랄 워터 500ml」라는 글자와 제조번호 240312가 보입니다. 인물 뒤에는 나무 옷장이 있고 벽에는 세종대로에 있는 약국이 나눠 준 2024년 달력이 걸려 있습니다. 창문 밖으로 편의점 간판과 버스 정류장이 보입니다. 이 달력이 작년에 서울이나 인천의 손님들에게 배포되었는지, 그리고 인쇄 주문 기록이 있는지 확인해 주시기 바랍니다. 바닥은 밝은 색 마루입니다."],
  ["allows a long Vietnamese clue", "Trên nhãn chai có dòng chữ «Nước khoáng thiên nhiên, 500 ml», số lô 240312. Phía sau người này là một tủ gỗ và tờ lịch năm 2024 của một nhà thuốc trên đường Lê Lợi. Qua cửa sổ có thể thấy biển hiệu của một cửa hàng tiện lợi và trạm xe buýt số 8. Đề nghị các đồng nghiệp kiểm tra xem tờ lịch này có được phát cho khách hàng ở Hà Nội hoặc Hải Phòng trong năm ngoái hay không."],
  ["allows unpunctuated chat transcribed from a screenshot", "hey are you there i saw the thing you sent yesterday and i think we should meet at the same place as last time near the station the one with the blue sign you know the one i mean the shop next to the bakery where we got the coffee last week i will be there around six maybe a bit later if the bus is late again like it was on monday you remember how long we waited for it and then it was full anyway so we had to walk all the way back to the market and take the other one from there which was even slower because of the roadworks on the main street"],
  ["allows a long list of Latin product names", "Inventory of bathroom shelf: shampoo, conditioner, shower gel, toothpaste, toothbrush, dental floss, mouthwash, deodorant, body lotion, hand cream, face cream, sunscreen, lip balm, nail file, nail clippers, tweezers, cotton pads, cotton buds, razor, shaving foam, aftershave, perfume, hairspray, hair gel, comb, brush, hair ties, bobby pins, makeup remover, mascara, eyeliner, lipstick, foundation, powder, blush, bronzer"],
  ["allows a table of measurements", "Heights in cm: 152 154 155 157 158 160 161 163 165 166 168 170 171 173 175 176 178 180 181 183 185 186 188 190; weights in kg: 45 48 50 52 55 57 60 62 65 67 70 72 75 77 80 82 85 87 90 92 95"],
];

// ---------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------

describe("checkTextOnly — refused inputs", () => {
  describe("DATA_URI", () => {
    it.each(refusedDataUris)("%s", (_title, input, code) => {
      expect(checkTextOnly(input)).toEqual({ ok: false, code, message: TEXT_ONLY_MESSAGES[code] });
    });
  });
  describe("BASE64_BLOB", () => {
    it.each(refusedBase64)("%s", (_title, input, code) => {
      expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
    });
  });
  describe("HEX_BLOB", () => {
    it.each(refusedHex)("%s", (_title, input, code) => {
      expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
    });
  });
  describe("BINARY", () => {
    it.each(refusedBinary)("%s", (_title, input, code) => {
      expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
    });
  });
  describe("MEDIA_MARKUP", () => {
    it.each(refusedMarkup)("%s", (_title, input, code) => {
      expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
    });
  });
  describe("MEDIA_LINK", () => {
    it.each([...refusedLinks, ...refusedExtensions])("%s", (_title, input, code) => {
      expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
    });
  });
  describe("ENCODED_BYTES (and the decodings that reveal binary)", () => {
    it.each(refusedEncoded)("%s", (_title, input, code) => {
      expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
    });
  });
});

describe("checkTextOnly — plain clue values in many scripts pass", () => {
  it.each(plainCorpus)("%s", (_title, input) => {
    expect(checkTextOnly(input)).toEqual({ ok: true });
  });

  it("judges most of the plain corpus with the statistical rules (long enough)", () => {
    const long = plainCorpus.filter(([, input]) => input.replace(/\s+/g, "").length >= ENCODED_WINDOW);
    expect(long.length).toBeGreaterThanOrEqual(12);
  });
});

describe("checkTextOnly — allowed inputs", () => {
  it.each(allowedCases)("%s", (_title, input) => {
    expect(checkTextOnly(input)).toEqual({ ok: true });
  });
});

describe("checkTextOnly — corpus size and messages", () => {
  const refusedCount =
    refusedDataUris.length +
    refusedBase64.length +
    refusedHex.length +
    refusedBinary.length +
    refusedMarkup.length +
    refusedLinks.length +
    refusedExtensions.length;

  it("has a large corpus (>= 120 refused, >= 80 allowed)", () => {
    expect(refusedCount).toBeGreaterThanOrEqual(120);
    expect(allowedCases.length).toBeGreaterThanOrEqual(80);
  });

  it("has one distinct analyst-facing message per refusal code", () => {
    const codes: TextRefusalCode[] = ["DATA_URI", "BASE64_BLOB", "HEX_BLOB", "BINARY", "MEDIA_MARKUP", "MEDIA_LINK", "ENCODED_BYTES", "HIDDEN_CHARACTERS"];
    expect(Object.keys(TEXT_ONLY_MESSAGES).sort()).toEqual([...codes].sort());
    expect(new Set(Object.values(TEXT_ONLY_MESSAGES)).size).toBe(codes.length);
    for (const code of codes) {
      const message = TEXT_ONLY_MESSAGES[code];
      expect(message).toMatch(/^Cluebridge is text-only: this field /);
      expect(message).toMatch(/hash identifier/);
      expect(message).toMatch(/\.$/);
      expect(message).not.toMatch(/\n/);
    }
    expect(TEXT_ONLY_MESSAGES.DATA_URI).toBe(
      "Cluebridge is text-only: this field contains an embedded image (data: URI). Refer to media by its hash identifier instead.",
    );
  });

  it("returns the message that belongs to the code", () => {
    const result = checkTextOnly("<img src=x>");
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toBe(TEXT_ONLY_MESSAGES[result.code]);
  });

  it("reports the data URI rather than the markup around it", () => {
    expect(checkTextOnly(`<img src="data:image/png;base64,${TINY_PNG_BASE64}">`)).toMatchObject({ code: "DATA_URI" });
  });

  it("is pure: the same input gives the same answer", () => {
    const input = `prefix ${PNG_BASE64}`;
    expect(checkTextOnly(input)).toEqual(checkTextOnly(input));
  });
});

describe("checkTextOnly — large and pathological inputs", () => {
  it("accepts a 200 KB benign text", () => {
    let big = "";
    while (big.length < 200_000) big += LONG_ENGLISH + "\n" + LONG_POLISH + "\n";
    expect(checkTextOnly(big)).toEqual({ ok: true });
  });

  it("finds a small data URI at the end of a 200 KB text", () => {
    let big = "";
    while (big.length < 200_000) big += LONG_ENGLISH;
    expect(checkTextOnly(`${big} data:image/png;base64,AAAA`)).toMatchObject({ ok: false, code: "DATA_URI" });
  });

  const pathological: [string, string][] = [
    ["'<' repeated", "<".repeat(200_000)],
    ["'%' repeated", "%".repeat(200_000)],
    ["'a' repeated", "a".repeat(200_000)],
    ["'&' repeated", "&".repeat(200_000)],
    ["'&#x' repeated", "&#x".repeat(70_000)],
    ["backslashes", "\\".repeat(200_000)],
    ["'\\u' repeated", "\\u".repeat(100_000)],
    ["'%3C' repeated", "%3C".repeat(70_000)],
    ["'&lt' repeated", "&lt".repeat(70_000)],
    ["'data:' repeated", "data:".repeat(40_000)],
    ["spaced 'd a t a :' repeated", "d a t a : ".repeat(20_000)],
    ["'< i ' repeated", "< i ".repeat(50_000)],
    ["'<' followed by 200 KB of spaces", "<" + " ".repeat(200_000) + "x"],
    ["'d' followed by 200 KB of spaces", "d" + " ".repeat(200_000) + "x"],
    ["'![' repeated", "![".repeat(100_000)],
    ["'http://' repeated", "http://".repeat(30_000)],
    ["'a.' repeated", "a.".repeat(100_000)],
    ["'a-' repeated", "a-".repeat(100_000)],
    ["'ff:' repeated", "ff:".repeat(70_000)],
    ["'url(' repeated", "url(".repeat(50_000)],
    ["zero-width spaces", "\u200b".repeat(200_000)],
    ["full-width letters", "ｄ".repeat(200_000)],
    ["mixed whitespace", " \n\t".repeat(70_000)],
    ["alternating case and digits", "aB1+".repeat(50_000)],
  ];
  it.each(pathological)("returns for 200 KB of %s without hanging", (_name, input) => {
    const result = checkTextOnly(input);
    expect(typeof result.ok).toBe("boolean");
  });
});

describe("textOnly (zod helper)", () => {
  const schema = z.object({
    title: textOnly(z.string().trim().min(1).max(200)),
    description: textOnly(z.string().max(10_000)),
  });

  it("passes clean text through, keeping earlier transforms", () => {
    const result = schema.safeParse({ title: "  Blue jacket  ", description: "Found near the river." });
    expect(result.success).toBe(true);
    if (result.success) expect(result.data.title).toBe("Blue jacket");
  });

  it("reports a refusal as a custom issue on the right field with the code's message", () => {
    const result = schema.safeParse({ title: "Blue jacket", description: '<img src="x.png">' });
    expect(result.success).toBe(false);
    if (result.success) return;
    expect(result.error.issues).toHaveLength(1);
    const issue = result.error.issues[0];
    expect(issue?.path).toEqual(["description"]);
    expect(issue?.code).toBe("custom");
    expect(issue?.message).toBe(TEXT_ONLY_MESSAGES.MEDIA_MARKUP);
    expect(issue).toMatchObject({ params: { textRefusal: "MEDIA_MARKUP" } });
  });

  it("reports nested paths inside arrays", () => {
    const nested = z.object({ items: z.array(z.object({ note: textOnly(z.string()) })) });
    const result = nested.safeParse({ items: [{ note: "ok" }, { note: `data:image/png;base64,${TINY_PNG_BASE64}` }] });
    expect(result.success).toBe(false);
    if (!result.success) {
      expect(result.error.issues[0]?.path).toEqual(["items", 1, "note"]);
      expect(result.error.issues[0]?.message).toBe(TEXT_ONLY_MESSAGES.DATA_URI);
    }
  });

  it("checks the trimmed value and still applies the base schema's own rules", () => {
    const field = textOnly(z.string().trim().min(1).max(20));
    expect(field.safeParse("   ").success).toBe(false);
    expect(field.safeParse("x".repeat(21)).success).toBe(false);
    expect(field.safeParse("  a < b  ").success).toBe(true);
  });

  it("keeps the schema type and works with optional schemas", () => {
    const typed: z.ZodString = textOnly(z.string());
    expect(typed.parse("plain text")).toBe("plain text");
    const optional = textOnly(z.string().optional());
    expect(optional.safeParse(undefined).success).toBe(true);
    expect(optional.safeParse("https://example.com/a.png").success).toBe(false);
  });

  it("throws a ZodError from parse()", () => {
    expect(() => textOnly(z.string()).parse("\u0000")).toThrow(TEXT_ONLY_MESSAGES.BINARY);
  });
});

describe("findMediaInValue", () => {
  it("returns null for a clean nested payload", () => {
    expect(
      findMediaInValue({ caseId: "PDNA-2024-000123", hashes: [SHA256_LOWER, MD5], count: 3, open: true, note: null }),
    ).toBeNull();
  });

  it("reports the path of a refused string deep inside objects and arrays", () => {
    const payload = {
      room: "case-42",
      messages: [{ body: "hello" }, { body: "see report" }, { body: "look <svg onload=1>", author: "anna" }],
    };
    expect(findMediaInValue(payload)).toEqual({
      path: ["messages", 2, "body"],
      code: "MEDIA_MARKUP",
      message: TEXT_ONLY_MESSAGES.MEDIA_MARKUP,
    });
  });

  it("reports the first offender in document order", () => {
    const payload = { a: "fine", b: ["https://example.com/a.jpg"], c: `data:image/png;base64,${TINY_PNG_BASE64}` };
    expect(findMediaInValue(payload)).toMatchObject({ path: ["b", 0], code: "MEDIA_LINK" });
  });

  it("checks object keys too", () => {
    const payload = { meta: { "<img src=x>": "value" } };
    expect(findMediaInValue(payload)).toMatchObject({ path: ["meta", "<img src=x>"], code: "MEDIA_MARKUP" });
  });

  it("checks a top-level string and array", () => {
    expect(findMediaInValue("<img src=x>")).toMatchObject({ path: [], code: "MEDIA_MARKUP" });
    expect(findMediaInValue(["ok", PNG_BASE64])).toMatchObject({ path: [1], code: "BASE64_BLOB" });
  });

  it("prefixes the given path", () => {
    expect(findMediaInValue({ text: "\u0000" }, ["body", "payload"])).toMatchObject({
      path: ["body", "payload", "text"],
      code: "BINARY",
    });
  });

  it("refuses binary objects (Buffer, typed arrays, ArrayBuffer, serialised Buffer)", () => {
    expect(findMediaInValue({ file: PNG_BYTES })).toMatchObject({ path: ["file"], code: "BINARY" });
    expect(findMediaInValue({ file: new Uint8Array(4) })).toMatchObject({ path: ["file"], code: "BINARY" });
    expect(findMediaInValue([new ArrayBuffer(8)])).toMatchObject({ path: [0], code: "BINARY" });
    expect(findMediaInValue({ file: JSON.parse(JSON.stringify(PNG_BYTES)) })).toMatchObject({
      path: ["file"],
      code: "BINARY",
    });
  });

  it("walks Maps and Sets", () => {
    expect(findMediaInValue(new Map([["k", "https://example.com/a.gif"]]))).toMatchObject({ path: ["k"] });
    expect(findMediaInValue(new Set(["ok", "<video src=a.mp4>"]))).toMatchObject({ path: [1] });
  });

  it("survives cycles and very deep nesting", () => {
    const cyclic: Record<string, unknown> = { name: "ok" };
    cyclic.self = cyclic;
    expect(findMediaInValue(cyclic)).toBeNull();

    let deep: unknown = "<img src=x>";
    for (let i = 0; i < 20_000; i++) deep = { child: deep };
    const found = findMediaInValue(deep);
    expect(found?.code).toBe("MEDIA_MARKUP");
    expect(found?.path).toHaveLength(20_000);
  });

  it("ignores numbers, booleans, null and undefined", () => {
    expect(findMediaInValue({ a: 1, b: false, c: null, d: undefined, e: [2, 3] })).toBeNull();
  });
});

// ---------------------------------------------------------------------------
// The outside probe of 2026-12-02 (later): separators, invisible characters, sprinkled full stops, link tricks;
// and the ordinary lists it found refused.
// ---------------------------------------------------------------------------

const hexByte = (byte: number): string => byte.toString(16).padStart(2, "0");
/** One variation selector per byte behind one emoji: VS1-VS16, then VS17-VS256. */
const variationSelector = (byte: number): string => String.fromCodePoint(byte < 16 ? 0xfe00 + byte : 0xe0100 + byte - 16);
const tagged = (text: string): string => [...text].map((char) => String.fromCodePoint(0xe0000 + (char.codePointAt(0) as number))).join("");
const zeroWidthBits = (bytes: Buffer): string => perByte(bytes, (byte) => [...byte.toString(2).padStart(8, "0")].map((bit) => (bit === "1" ? "\u200c" : "\u200b")).join(""));
const groups = (items: string[], size: number, separator: string, between: string): string =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size).join(separator)).join(between);
const digitsOf = (seed: number, count: number, length: number): string[] =>
  Array.from({ length: count }, (_, i) => [...pseudoRandomBytes(length, seed + i)].map((byte) => String(byte % 10)).join(""));

const refusedByTheProbe: RefusedCase[] = [
  ["refuses hex bytes separated by full stops", perByte(SMALL_JPEG, hexByte, "."), "HEX_BLOB"],
  ["refuses hex bytes separated by slashes", perByte(SMALL_JPEG, hexByte, "/"), "HEX_BLOB"],
  ["refuses decimal bytes separated by full stops", perByte(SMALL_JPEG, String, "."), "ENCODED_BYTES"],
  ["refuses bytes written as a list of IPv4 addresses", groups(perByte(SMALL_JPEG, String, " ").split(" "), 4, ".", ", "), "ENCODED_BYTES"],
  ["refuses base64 with a full stop after every character", [...SMALL_JPEG.toString("base64")].join("."), "ENCODED_BYTES"],
  ["refuses base64 with a full stop every 8 characters", wrap(SMALL_JPEG.toString("base64"), 8, "."), "ENCODED_BYTES"],
  ["refuses one word per byte with a full stop every 40 words", groups(perByte(SMALL_JPEG, (b) => WORD_TABLE[b] as string, " ").split(" "), 40, " ", ". "), "ENCODED_BYTES"],
  ["refuses a long number carrying a file", digitsOf(1, 1, 1400)[0] as string, "HEX_BLOB"],
  ["refuses a long number carrying a file, cut into barcode-sized groups", wrap(digitsOf(1, 1, 1400)[0] as string, 13, ", "), "ENCODED_BYTES"],
  ["refuses variation selectors behind an emoji, one per byte", `🙂${perByte(SMALL_JPEG, variationSelector)}`, "HIDDEN_CHARACTERS"],
  ["refuses base64 in tag characters", `Shop sign${tagged(SMALL_JPEG.toString("base64"))}`, "HIDDEN_CHARACTERS"],
  ["refuses zero-width characters as bits", `Shop sign${zeroWidthBits(SMALL_JPEG.subarray(0, 80))}`, "HIDDEN_CHARACTERS"],
  ["refuses a media link with a trailing slash", "see https://example.com/photo.jpg/", "MEDIA_LINK"],
  ["refuses a media link with a trailing backslash", "see https://example.com/a.jpg\\", "MEDIA_LINK"],
  ["refuses a media link with a trailing tilde", "see https://example.com/a.jpg~", "MEDIA_LINK"],
  ["refuses an ideographic full stop in an image host", "https://imgur。com/a/x", "MEDIA_LINK"],
  ["refuses a defanged media link", "example[.]com/photo.jpg", "MEDIA_LINK"],
  ["refuses a defanged scheme and host", "hxxps://cdn[.]example[.]org/v/clip", "MEDIA_LINK"],
  ["refuses a video segment", "https://example.com/seg/chunk-0001.m4s", "MEDIA_LINK"],
  ["refuses a DICOM image", "https://pacs.example.org/study/image.dcm", "MEDIA_LINK"],
  ["refuses an anonymous upload host", "https://0x0.st/Hk2a", "MEDIA_LINK"],
  ["refuses object storage", "https://evidence.s3.amazonaws.com/k/123", "MEDIA_LINK"],
];

const EANS_FROM_A_RECEIPT = digitsOf(100, 20, 13);
const IMEIS = digitsOf(200, 20, 15);
const allowedByTheProbe: AllowedCase[] = [
  ["allows 20 EAN-13 codes from one receipt", `Receipt barcodes: ${EANS_FROM_A_RECEIPT.join(", ")}`],
  ["allows 20 IMEIs", `Handsets seized: ${IMEIS.join("; ")}`],
  ["allows twelve IBANs", Array.from({ length: 12 }, (_, i) => `PL${digitsOf(300 + i, 1, 26)[0]}`).join(", ")],
  ["allows 50 heights in centimetres", `Heights: ${Array.from({ length: 50 }, (_, i) => 140 + ((i * 37) % 61)).join(", ")}`],
  ["allows 50 room numbers", `Rooms checked: ${Array.from({ length: 50 }, (_, i) => 101 + ((i * 53) % 150)).join(", ")}`],
  ["allows twelve IPv4 addresses", Array.from({ length: 12 }, (_, i) => `${(i * 41) % 223 + 1}.${(i * 67) % 256}.${(i * 13) % 256}.${(i * 97) % 254 + 1}`).join(", ")],
  ["allows a DOI link on a host whose first label is dl", "https://dl.acm.org/doi/10.1145/3133956.3134093"],
  ["allows a news page on a live. host", "https://live.bbc.co.uk/news/world-europe-12345678"],
  ["allows a web page on a files. host", "https://files.example.gov/notices/recall-2019.html"],
  ["allows emoji sequences with joiners and a subdivision flag", "Stickers on the laptop: 👨‍👩‍👧‍👦 🏳️‍🌈 ❤️ 👩🏽‍💻 🏴󠁧󠁢󠁳󠁣󠁴󠁿 and 1️⃣"],
  ["allows Persian prose with zero-width non-joiners", "می‌خواهم این برچسب را ببینم. نوشته روی قفسه: «کتاب‌ها و دفترها». ".repeat(20)],
];

// ---------------------------------------------------------------------------
// The second probe of 2026-12-02: fillers, word tables, unusual spaces, emoji modifiers, marks as carriers.
// ---------------------------------------------------------------------------

const NIBBLE_WORDS = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel", "india", "juliett", "kilo", "lima", "mike", "november", "oscar", "papa"];
const nibbles = (bytes: Buffer): number[] => [...bytes].flatMap((byte) => [byte >> 4, byte & 15]);
const roman = (n: number): string => {
  if (n === 0) return "N";
  const table: [number, string][] = [[100, "C"], [90, "XC"], [50, "L"], [40, "XL"], [10, "X"], [9, "IX"], [5, "V"], [4, "IV"], [1, "I"]];
  let out = "";
  for (const [value, letters] of table) while (n >= value) [out, n] = [out + letters, n - value];
  return out;
};
const SPACES = [0x20, 0xa0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f].map((code) => String.fromCodePoint(code));
const EMOJI = ["👍", "👋", "👏", "🙌", "✋", "🤚", "👌", "🤞", "✌", "🤟", "🤘", "👈", "👉", "👆", "👇", "☝"];
const TONES = ["\u{1F3FB}", "\u{1F3FC}", "\u{1F3FD}", "\u{1F3FE}"];
const MARKS = Array.from({ length: 16 }, (_, i) => String.fromCodePoint(0x0363 + i));
const IMEI_TACS = ["35332811", "35875405", "86723105", "35391110"];
const CALL_RECORDS = Array.from(
  { length: 50 },
  (_, i) => `+48 601 ${String(200 + ((i * 37) % 700)).padStart(3, "0")} ${String(100 + ((i * 53) % 900))} -> +48 512 987 ${String(600 + (i % 9))}54 2026-11-${String(1 + (i % 28)).padStart(2, "0")} ${String(8 + (i % 14)).padStart(2, "0")}:${String((i * 7) % 60).padStart(2, "0")}:0${i % 10} (00:0${i % 6}:1${i % 10})`,
).join("\n");

const refusedBySecondProbe: RefusedCase[] = [
  ["refuses hex with a filler letter after each symbol", wrap([...SMALL_JPEG.toString("hex")].map((c) => `${c}q`).join(""), 8, " "), "ENCODED_BYTES"],
  ["refuses lower-case base32 with a filler letter", [...base32(SMALL_JPEG).toLowerCase()].map((c) => `${c}q`).join(""), "ENCODED_BYTES"],
  ["refuses one word per nibble from sixteen words", nibbles(SMALL_JPEG).map((n) => NIBBLE_WORDS[n]).join(" "), "ENCODED_BYTES"],
  ["refuses Roman numerals, one per byte", perByte(SMALL_JPEG, roman, " "), "ENCODED_BYTES"],
  ["refuses sixteen kinds of space between words, one per nibble", nibbles(SMALL_JPEG).map((n, i) => `${NIBBLE_WORDS[i % 3]}${SPACES[n]}`).join(""), "HIDDEN_CHARACTERS"],
  ["refuses an emoji and skin tones per byte", perByte(SMALL_JPEG, (b) => `${EMOJI[b >> 4]}${TONES[(b >> 2) & 3]}${EMOJI[b & 3]}${TONES[0]}`), "ENCODED_BYTES"],
  ["refuses one word per byte with a filler word after each", perByte(SMALL_JPEG, (b) => `${WORD_TABLE[b]} the`, " "), "ENCODED_BYTES"],
  ["refuses combining marks on a letter, one per nibble", wrap(nibbles(SMALL_JPEG).map((n) => `x${MARKS[n]}`).join(""), 10, " "), "ENCODED_BYTES"],
  ["refuses decimal bytes joined by a letter", groups(perByte(SMALL_JPEG, String, " ").split(" "), 3, "x", " "), "ENCODED_BYTES"],
  ["refuses a letter and a braille pattern per byte", perByte(SMALL_JPEG, (b) => `a${String.fromCodePoint(0x2800 + b)}`), "ENCODED_BYTES"],
  ["refuses one word per byte with a full stop every 20 words", groups(perByte(SMALL_JPEG, (b) => WORD_TABLE[b] as string, " ").split(" "), 20, " ", ". "), "ENCODED_BYTES"],
  ["refuses more IPv4 addresses than a text may hold", Array.from({ length: 97 }, (_, i) => `10.${i % 256}.${(i * 7) % 256}.${(i * 13) % 256}`).join(", "), "ENCODED_BYTES"],
  ["refuses eighty random IMEIs (as random as a number carrying a file)", `Handsets: ${digitsOf(900, 80, 15).join(", ")}`, "ENCODED_BYTES"],
];

const allowedBySecondProbe: AllowedCase[] = [
  ["allows fifty call records", CALL_RECORDS],
  ["allows eighty IMEIs of four handset models", `Handsets: ${Array.from({ length: 80 }, (_, i) => `${IMEI_TACS[i % 4]}${digitsOf(700 + i, 1, 7)[0]}`).join(", ")}`],
  ["allows a chat message with eleven subdivision flags", `Flags on the wall: ${"🏴󠁧󠁢󠁥󠁮󠁧󠁿 🏴󠁧󠁢󠁳󠁣󠁴󠁿 ".repeat(5)}🏴󠁧󠁢󠁷󠁬󠁳󠁿`],
  ["allows French prose with no-break spaces", "Sur l’étiquette\u00a0: «\u00a0Eau minérale\u00a0» — lot 240312\u00a0; fabriqué en France\u00a0! ".repeat(30)],
  ["allows a list of 300 distinct product names", Array.from({ length: 300 }, (_, i) => `${NIBBLE_WORDS[i % 16]}${["shampoo", "soap", "lotion", "gel", "cream"][i % 5]}${i}`).join(", ")],
  ["allows a long English report", LONG_ENGLISH.repeat(4)],
];

describe("checkTextOnly — what the probes of 2026-12-02 smuggled, and the lists they found refused", () => {
  it.each([...refusedByTheProbe, ...refusedBySecondProbe])("%s", (_title, input, code) => {
    expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
  });
  it.each([...allowedByTheProbe, ...allowedBySecondProbe])("%s", (_title, input) => {
    expect(checkTextOnly(input)).toEqual({ ok: true });
  });
  it("counts base64 cut by its own slashes, and base32, toward the author's window", () => {
    const base64Piece = SMALL_JPEG.toString("base64").slice(0, 120);
    expect(encodedFragmentBytes(base64Piece)).toBeGreaterThanOrEqual(80);
    expect(encodedFragmentBytes(base32(SMALL_JPEG).slice(0, 120))).toBeGreaterThanOrEqual(60);
    expect(encodedFragmentBytes(LONG_ENGLISH)).toBeLessThan(10);
  });

  it("does not count identifiers in capitals and digits (VINs, parcel numbers) toward the author's window", () => {
    expect(encodedFragmentBytes(`VINs: ${VINS.join(", ")}; parcels 1Z999AA10123456784 1Z12345E0205271688`)).toBe(0);
    // Nor short codes in lower case and digits (serials, a hash's first characters), saved clue after clue.
    expect(encodedFragmentBytes("Serial v0a1b2c3d4e5f, batch 24a03b7c9d1e")).toBe(0);
  });
});

// ---------------------------------------------------------------------------
// The third probe of 2026-12-02: small alphabets, digits with punctuation, two bytes per CJK symbol with a filler
// pair, nibbles in four alphabets by place.
// ---------------------------------------------------------------------------

const JPEG_600 = Buffer.concat([Buffer.from(JPEG_HEADER), pseudoRandomBytes(584, 17)]);
const alphabetFrom = (first: number, count: number): string => Array.from({ length: count }, (_, i) => String.fromCodePoint(first + i)).join("");
const PLACE_ALPHABETS = [alphabetFrom(0x430, 16), alphabetFrom(0x440, 16), alphabetFrom(0x3b1, 16), alphabetFrom(0x391, 16)];
const withPairEvery = (text: string, every: number, pair: string): string => [...text].map((char, i) => (i > 0 && i % every === 0 ? pair + char : char)).join("");

const refusedByThirdProbe: RefusedCase[] = [
  ["refuses octal digits in groups of twelve", wrap(BigInt(`0x${JPEG_600.toString("hex")}`).toString(8), 12, " "), "ENCODED_BYTES"],
  ["refuses base 9 in letters", encodeBaseN(SMALL_JPEG, "klmnopqrs"), "ENCODED_BYTES"],
  ["refuses base 40 over digits and punctuation", encodeBaseN(SMALL_JPEG, "0123456789!\"#$'()*+,-./:;<>?@[]^_`{|}~"), "ENCODED_BYTES"],
  ["refuses two bytes per CJK symbol with a filler pair every 50", withPairEvery(encodeBaseN(JPEG_600, alphabetFrom(0x4e00, 20000)), 50, "的一"), "ENCODED_BYTES"],
  ["refuses nibbles in four alphabets, one per place", [...SMALL_JPEG.toString("hex")].map((h, i) => PLACE_ALPHABETS[i % 4]![parseInt(h, 16)]).join(""), "ENCODED_BYTES"],
];

describe("checkTextOnly — what the third probe of 2026-12-02 smuggled", () => {
  it.each(refusedByThirdProbe)("%s", (_title, input, code) => {
    expect(checkTextOnly(input)).toMatchObject({ ok: false, code });
  });
});
