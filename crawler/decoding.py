"""Turning a page's bytes into text: the right charset, or a reason why not, never garble.

Order: byte-order mark, then the declared charsets (HTTP header, then <meta>), each only if the
bytes are valid in it; then UTF-8; then detection among the encodings news portals use
(charset-normalizer restricted to them, which reads even short CJK pages right). Non-ASCII bytes
that are valid UTF-8 are read as UTF-8 whatever is declared. A declared single-byte charset
(ISO-8859-1, windows-1252) on bytes of a CJK encoding decodes without error into mojibake; that
is detected and the page re-decoded, or refused when no encoding fits. A page declared UTF-8
that is UTF-8 but for a few stray bytes is read as UTF-8 with U+FFFD for them, as browsers do
(a single-byte re-decode would garble every other non-ASCII character of it).
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass

from charset_normalizer import from_bytes
from w3lib.encoding import html_body_declared_encoding, read_bom, resolve_encoding

from reader.cjk import CJK_COMMON, FULLWIDTH, HAN_COMPAT

# Encodings tried when the page declares none that fits (checked in this order by
# charset-normalizer's coherence score). gb18030 covers GBK and GB2312.
DETECT_ENCODINGS = ["utf_8", "gb18030", "big5", "shift_jis", "euc_kr", "cp1252"]
# Byte signatures of files that are not text even when served as text/html.
BINARY_SIGNATURES = {
    b"%PDF-": "pdf",
    b"\xff\xd8\xff": "jpeg",
    b"\x89PNG\r\n\x1a\n": "png",
    b"GIF87a": "gif",
    b"GIF89a": "gif",
    b"PK\x03\x04": "zip",
    b"\x1f\x8b": "gzip",
    b"\x7fELF": "executable",
    b"MZ": "executable",
    b"OggS": "ogg",
    b"ID3": "mp3",
    b"wOFF": "font",
}
# Share of NUL/C0 control bytes in the first KiB above which the body is binary.
BINARY_CONTROL_SHARE = 0.05
# A single-byte decoding is mojibake when most of its non-ASCII letters come in runs of two
# or more (a CJK or UTF-8 character split into Latin-1 pieces); real Western text has
# accented letters mostly alone between ASCII ones (checked on French/German/Portuguese text).
MOJIBAKE_RUN_SHARE = 0.6
# Replacement characters tolerated in a best-effort decoding before the page is refused.
MAX_REPLACEMENT_SHARE = 0.01
# A page declared UTF-8 with invalid byte sequences is still UTF-8 (strays replaced) when it
# has valid multi-byte characters and the invalid sequences are at most this many, or at most
# this share of its non-ASCII characters. Another encoding's text mislabelled UTF-8 has no valid
# multi-byte sequences (cp1252) or invalid ones in most of its characters (GBK, Big5, Shift_JIS,
# EUC-KR: 80-90% of them, measured on news sentences).
STRAY_BYTES_FEW = 3
STRAY_BYTES_SHARE = 0.25
# NUL and the C0 controls that never appear in text (tab, newlines, form feed, ESC do).
_CONTROL_BYTES = bytes(b for b in range(32) if b < 9 or 13 < b < 32 and b != 27)
_SINGLE_BYTE = {"cp1252", "latin_1", "iso8859_1", "iso8859_15", "ascii"}
_HIGH_RUN = re.compile("[\u0080-\u00ff]{2,}")
_HIGH = re.compile("[\u0080-\u00ff]")
_CJK = re.compile(f"[{CJK_COMMON}{HAN_COMPAT}{FULLWIDTH}]")


@dataclass(frozen=True)
class Decoded:
    """The page's text and the encoding used, or ``reject`` (a reason) with no text."""

    text: str | None
    encoding: str | None
    how: str = ""  # "bom", "header", "meta", "utf-8", "detected", "re-decoded"
    reject: str | None = None
    detail: str = ""


def codec_name(label: str | None) -> str | None:
    """Python codec name for a charset label, following the WHATWG aliases; None if unknown."""
    if not label:
        return None
    resolved = resolve_encoding(label.strip().strip("\"'"))
    if not resolved:
        return None
    try:
        return codecs.lookup(resolved).name.replace("-", "_")
    except LookupError:
        return None


def binary_kind(body: bytes) -> str | None:
    """The kind of file when ``body`` is plainly not text (PDF, image, archive...)."""
    head = body[:1024]
    for signature, kind in BINARY_SIGNATURES.items():
        if head.startswith(signature):
            return kind
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    if head and controls / len(head) > BINARY_CONTROL_SHARE:
        return "binary"
    return None


def strict(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except (UnicodeDecodeError, LookupError):
        return None


def is_mojibake(text: str) -> bool:
    """True when a single-byte decoding looks like split multi-byte characters."""
    high = len(_HIGH.findall(text))
    if high < 4:
        return False
    in_runs = sum(len(run) for run in _HIGH_RUN.findall(text))
    return in_runs / high >= MOJIBAKE_RUN_SHARE


def detect(body: bytes) -> Decoded | None:
    """The best decoding among DETECT_ENCODINGS, if one decodes the bytes without error."""
    best = from_bytes(body, cp_isolation=DETECT_ENCODINGS).best()
    if best is None:
        return None
    text = strict(body, best.encoding)
    return Decoded(text, best.encoding, "detected") if text is not None else None


def decode_html(body: bytes, header_charset: str | None = None) -> Decoded:
    """Decode an HTML body; see the module docstring for the order of evidence."""
    if not body.strip():
        return Decoded(None, None, reject="empty body")
    kind = binary_kind(body)
    if kind is not None:
        return Decoded(None, None, reject="binary content", detail=kind)
    bom_encoding, bom = read_bom(body)
    if bom_encoding and bom:
        text: str | None = body[len(bom) :].decode(bom_encoding, "replace")
        return Decoded(text, codec_name(bom_encoding), "bom")
    utf8 = strict(body, "utf-8")
    if utf8 is not None and not body.isascii():
        # Non-ASCII bytes that are valid UTF-8 are UTF-8 whatever is declared: other
        # encodings' text is almost never valid UTF-8 by chance.
        return Decoded(utf8, "utf_8", "utf-8")
    declared = [
        ("header", codec_name(header_charset)),
        ("meta", codec_name(html_body_declared_encoding(body))),
    ]
    for how, encoding in declared:
        if encoding is None:
            continue
        text = strict(body, encoding)
        if text is None:
            if encoding == "utf_8":
                lenient = _utf8_with_strays(body)
                if lenient is not None:
                    return lenient
            continue
        if encoding in _SINGLE_BYTE and is_mojibake(text):
            return _redecode(body, encoding, text, how)
        return Decoded(text, encoding, how)
    if utf8 is not None:
        return Decoded(utf8, "utf_8", "utf-8")
    return detect(body) or _best_effort(body, [e for _, e in declared if e])


def _utf8_with_strays(body: bytes) -> Decoded | None:
    """The page as UTF-8 with U+FFFD for its few invalid bytes, when the rest of it is UTF-8
    (see STRAY_BYTES_FEW); None when it looks like another encoding's text."""
    text = body.decode("utf-8", "replace")
    strays = text.count("\ufffd") - body.count("\ufffd".encode())  # the page's own U+FFFDs
    valid = sum(1 for char in text if char > "\x7f") - text.count("\ufffd")
    if valid < 1 or strays > MAX_REPLACEMENT_SHARE * len(text):
        return None
    if strays > STRAY_BYTES_FEW and strays > STRAY_BYTES_SHARE * (valid + strays):
        return None
    return Decoded(text, "utf_8", "utf-8-lenient", detail=f"{strays} invalid byte sequences")


def _redecode(body: bytes, declared: str, text: str, how: str) -> Decoded:
    """A declared single-byte charset looks like mojibake: find the real one or refuse.

    Detection has the last word: when it also reads the bytes as a Western single-byte
    text (Portuguese "ação" has accented letters in runs too), the declared reading stands.
    """
    found = detect(body)
    if found is not None and found.encoding in _SINGLE_BYTE:
        return Decoded(text, declared, how)
    if found is not None and found.text and _CJK.search(found.text):
        return Decoded(found.text, found.encoding, "re-decoded")
    return Decoded(None, None, reject="mojibake", detail=f"declared {declared}")


def _best_effort(body: bytes, encodings: list[str]) -> Decoded:
    """Decode with replacement characters if there are few of them, else refuse."""
    for encoding in [*encodings, "utf_8"]:
        text = body.decode(encoding, "replace")
        if text.count("\ufffd") <= MAX_REPLACEMENT_SHARE * len(text):
            return Decoded(text, encoding, "lenient")
    return Decoded(None, None, reject="undecodable text")
