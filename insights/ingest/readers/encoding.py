"""The encoding of a text file, detected without loss (byte-order mark, UTF-16 by its zero bytes, strict UTF-8,
then charset-normalizer), and the text decoded strictly: an undecodable byte is an error naming its line, never
a replacement character."""

from __future__ import annotations

import codecs
import json

from insights.ingest.errors import EncodingError

ENCODING_NAMES = {"utf-8": "UTF-8", "utf-8-sig": "UTF-8 with a byte-order mark",
                  "utf-16": "UTF-16", "utf-16-le": "UTF-16 (little-endian, no byte-order mark)",
                  "utf-16-be": "UTF-16 (big-endian, no byte-order mark)",
                  "cp1252": "Windows-1252 (Western European)", "latin-1": "Latin-1 (ISO-8859-1)",
                  "cp1250": "Windows-1250 (Central European)", "cp1251": "Windows-1251 (Cyrillic)"}
# charset-normalizer often names a sibling Latin-script code page (CP1250, CP775, Mac Roman…) for Western
# text; Windows-1252 is the one shops' tools write, so when it decodes the text cleanly it wins — unless
# the guess is a code page of another script (Cyrillic, Greek, Hebrew, Arabic, Thai) or a multi-byte one.
_OTHER_SCRIPTS = {"cp1251", "koi8_r", "koi8_u", "iso8859_5", "cp866", "cp855", "mac_cyrillic", "cp1253",
                  "iso8859_7", "cp737", "cp869", "mac_greek", "cp1255", "iso8859_8", "cp862", "cp1256",
                  "iso8859_6", "cp864", "cp874", "tis_620", "kz1048", "ptcp154", "cp1125"}
_CP1252_UNDEFINED = (b"\x81", b"\x8d", b"\x8f", b"\x90", b"\x9d")
_MULTI_BYTE = ("utf", "shift_jis", "euc_", "gb", "big5", "cp932", "cp949", "cp950", "iso2022", "hz", "johab")


def _line_of(data: bytes, offset: int) -> int:
    return data.count(b"\n", 0, offset) + 1


def _check_decodes(data: bytes, codec: str) -> int | None:
    """Offset of the first byte ``codec`` cannot decode, or None. Streams, so memory stays flat."""
    decoder = codecs.getincrementaldecoder(codec)("strict")
    step = 1 << 24
    for start in range(0, len(data), step):
        try:
            decoder.decode(data[start:start + step], final=start + step >= len(data))
        except UnicodeDecodeError as err:
            return start + err.start
    return None


def utf16_without_bom(sample: bytes) -> str | None:
    if len(sample) < 8:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > 0.3 * len(odd) and even.count(0) < 0.05 * len(even):
        return "utf-16-le"
    if even.count(0) > 0.3 * len(even) and odd.count(0) < 0.05 * len(odd):
        return "utf-16-be"
    return None


def detect_encoding(data: bytes, *, partial: bool = False) -> tuple[str, str | None]:
    """(Python codec, plain-English label or None for plain UTF-8). Never lossy.

    Order: byte-order mark; UTF-16 by its zero bytes; strict UTF-8; charset-normalizer (with Windows-1252
    preferred over its Western siblings when it decodes cleanly). ``partial``: ``data`` is only the start
    of the file (a multi-byte character may be cut at the end).
    """
    if data[:3] == b"\xef\xbb\xbf":
        return "utf-8-sig", ENCODING_NAMES["utf-8-sig"]
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16", ENCODING_NAMES["utf-16"] + (" (little-endian)" if data[:2] == b"\xff\xfe" else " (big-endian)")
    utf16 = utf16_without_bom(data[:4096])
    if utf16:
        return utf16, ENCODING_NAMES[utf16]
    bad = _check_decodes(data, "utf-8")
    if bad is None or (partial and bad > len(data) - 4):
        return "utf-8", None
    import charset_normalizer
    sample = data[:1_000_000]
    best = charset_normalizer.from_bytes(sample).best()
    guess = codecs.lookup(best.encoding).name.replace("-", "_") if best is not None else None
    single_byte = guess is not None and not guess.startswith(_MULTI_BYTE)
    if guess is None or guess.startswith("utf") or (single_byte and guess not in _OTHER_SCRIPTS):
        if not any(byte in data for byte in _CP1252_UNDEFINED):   # then Windows-1252 decodes every byte
            return "cp1252", ENCODING_NAMES["cp1252"]
        if guess is None or guess.startswith("utf") or guess not in _OTHER_SCRIPTS:
            return "latin-1", ENCODING_NAMES["latin-1"]
    codec = codecs.lookup(guess).name
    return codec, ENCODING_NAMES.get(codec, codec.upper().replace("_", "-"))


def decode(data: bytes, name: str, encoding: str | None, partial: bool = False) -> tuple[str, str, str | None]:
    """(text, codec, label) — strict; an undecodable byte names its line."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise EncodingError(name, expected="a known text encoding such as utf-8 or cp1252",
                                got=encoding) from None
        label = ENCODING_NAMES.get(encoding.lower(), encoding)
    else:
        codec, label = detect_encoding(data, partial=partial)
    try:
        text = data.decode(codec)
    except UnicodeDecodeError as err:
        if partial and err.start > len(data) - 4:
            text = data[:err.start].decode(codec)
        else:
            raise EncodingError(name, row=_line_of(data, err.start),
                                expected=f"text in the {label or codec} encoding",
                                got=repr(data[err.start:err.start + 4])[2:-1],
                                hint="Choose the file's encoding (often Windows-1252 or UTF-8) and try again") from None
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, codec, label


def stray_nul_lines(data: bytes, limit: int = 5) -> tuple[int, list[int]]:
    """(NUL bytes, the first ``limit`` line numbers holding one) of a UTF-8 or single-byte text file that some
    till or database export left a few NUL bytes in; (0, []) when there are none or so many that the file is
    binary or UTF-16 (which the decoder handles)."""
    count = data.count(b"\x00")
    if not count or count > max(16, len(data) // 1000) or data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return 0, []
    lines, start = [], 0
    while len(lines) < limit:
        at = data.find(b"\x00", start)
        if at < 0:
            break
        lines.append(data.count(b"\n", 0, at) + 1)
        start = at + 1
    return count, sorted(set(lines))


def looks_like_json(text: str) -> bool:
    """True for a JSON document (an array of records or an object) saved under a text name."""
    start = text.lstrip()[:2]
    if not start or start[0] not in "[{":
        return False
    try:
        json.loads(text)
    except ValueError:
        return start in ("[{", '{"')
    return True


def looks_binary(text_sample: str) -> bool:
    if not text_sample:
        return False
    if "\x00" in text_sample:
        return True
    controls = sum(1 for ch in text_sample if (ord(ch) < 32 and ch not in "\t\r\n\x0c") or 0x7f <= ord(ch) < 0xa0)
    return controls > max(3, len(text_sample) // 100)
