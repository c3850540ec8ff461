"""Byline lines in a body: "label + names" lines found by shape, taken out of the text.

A byline line is short and made of a credit label (文/, 作者:, 记者, 通讯员, 执笔人:, By, Von,
Par, Por, Av, Text:) and names, perhaps an organisation before the role ("新京报记者") and a
dateline after it ("山东冠县报道"); an editor line (责任编辑:, 编辑:) names editors, who are
not authors; a closing parenthesis at the end of the last paragraph ("……。（记者 胡晓蓉）")
credits its reporters. Where the line stands decides how much evidence is needed: a strong
label anywhere, a bare name ("胡平" under the headline) only at the body's first or last lines.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from reader.cjk import HAN
from reader.people import (
    TOOL_LABELS,
    clean_name,
    is_agency,
    is_cjk_name,
    split_names,
)

_CJK = HAN
_NAME = rf"[{_CJK}·]{{2,4}}"
_NAMES = rf"{_NAME}(?:\s*[、,，\s]\s*{_NAME}){{0,5}}"
# An organisation in front of the role: "新京报", "光明日报", "本报", "新华网黑龙江频道".
_ORG = rf"(?:[{_CJK}A-Za-z]{{1,12}}?(?:报|社|网|台|刊|频道|中心|杂志)|本报|本刊|本台|本网)?"
_ROLE = r"(?:特约|实习|见习|首席|驻\S{1,4})?(?:记者|通讯员|实习生|撰稿人?|撰文|采写|执笔人?|作者|文字|文图|图文|文)"
# Roles that can stand between names ("记者 张三 通讯员 李四"); 文 alone cannot (张文攀).
_ROLE_BETWEEN = r"(?:特约|实习|见习|首席)?(?:记者|通讯员|实习生|撰稿人?|摄影|执笔人?)"
# A dateline closing the credit: "山东冠县报道", "发自北京".
_DATELINE_TAIL = re.compile(
    rf"\s+[{_CJK}]{{0,8}}(?:报道|电)\s*(?=[)）]?\s*$)|\s+发自[{_CJK}]{{1,8}}"
)
_LEAD = r"^[□■●◎◆◇▲△☆★\s]*"
# "新京报记者 彭冲 山东冠县报道", "本报实习生 刘国栋 周炜", "□ 本报记者 葛灵丹", "文/李青".
CJK_BYLINE = re.compile(
    rf"{_LEAD}[【\[（(]?\s*{_ORG}\s*{_ROLE}\s*[:：/｜|]?\s*(?P<v>{_NAMES}(?:\s*{_ROLE_BETWEEN}\s*[:：/]?\s*{_NAMES})*)"
    rf"(?:\s*[{_CJK}]{{0,8}}(?:报道|发自\S{{0,6}}|摄影?|电))?\s*[】\]）)]?\s*$"
)
# "责任编辑：王五", "【编辑:刘欢】", "(松花江网编辑 孙桂芳)".
EDITOR_LINE = re.compile(
    rf"{_LEAD}[【\[（(]?\s*{_ORG}\s*(?P<label>责任编辑|责编|编辑|主编|审核|审校|校对|值班编辑|监制)\s*[:：]?\s*"
    rf"(?P<v>{_NAMES})?\s*[】\]）)]?\s*(?P<tail>.{{0,12}})$"
)
# "By Jane Doe and John Roe", "Von Felix Schröder und Jörg Soldwisch", "Par Jean Dupont".
_CAP = r"[A-ZÀ-ÞĀ-Ž][\w'’.\-]+"
_LATIN_NAME = rf"{_CAP}(?:\s+(?:{_CAP}|van|von|de|der|den|da|di|del|la|le|dos|du)){{0,4}}"
LATIN_BYLINE = re.compile(
    r"^(?i:(?:written|words|text|story|reporting)\s+by|by|von|par|por|av|door|af|przez|"
    r"text|texte|autor(?:in)?|author|auteur)\s*[:：]?\s+"
    rf"(?P<v>{_LATIN_NAME}(?:\s*(?:,|;|&|\band\b|\bund\b|\bog\b|\bet\b|\by\b|\be\b|\boch\b|\bi\b)\s*{_LATIN_NAME}){{0,5}})"
    r"(?:\s*[,|·•–—-]\s*(?P<tail>[^!?]{0,60}))?$"
)
# A reporters' credit closing the last paragraph: "……发展。（记者 胡晓蓉）", "(信报记者 蔡雪婧)".
CLOSING_CREDIT = re.compile(
    rf"(?<=[。！？!?”\"』」.])\s*[（(]\s*{_ORG}\s*(?P<role>{_ROLE})?\s*[:：]?\s*(?P<v>{_NAMES})"
    rf"\s*(?:[{_CJK}]{{0,6}}报道)?\s*[)）]\s*$"
)
# A name alone on a line: the body's first or last lines only, and only a name in shape
# (2-3 CJK characters starting with a common surname, ``is_cjk_name``).
BARE_NAME = re.compile(rf"^(?P<v>[{_CJK}]{{2,3}}(?:\s+[{_CJK}]{{2,3}}){{0,2}})$")


@dataclass
class Byline:
    """What a byline line credits, and what is left of the line (None: all of it goes)."""

    authors: list[str] = field(default_factory=list)
    editors: list[str] = field(default_factory=list)
    rest: str | None = None
    # Named by a plain "编辑：" (who compiled the page), not a responsible editor (责任编辑):
    # the page's only credit where no author is named.
    compiled: bool = False


def read_byline(line: str, at_edge: bool, bare: bool = True) -> Byline | None:
    """The credits of ``line`` if it is a byline line (or ends with a closing credit)."""
    text, dated = line.strip(), 0
    if "电" in text or "报道" in text or "发自" in text:  # what a dateline tail holds
        text, dated = _DATELINE_TAIL.subn("", text)
    if not text or len(text) > 80:
        return _closing_credit(text, at_edge, bool(dated))
    editor = EDITOR_LINE.match(text)
    if editor and (editor.group("v") or not editor.group("tail")):
        names = split_names(editor.group("v") or "")
        return Byline(editors=names, compiled=editor.group("label") == "编辑")
    byline = CJK_BYLINE.match(text)
    if byline and (at_edge or len(text) <= 30):
        names = _names(byline.group("v"))
        if names:
            return Byline(authors=names)
    latin = LATIN_BYLINE.match(text)
    if latin and (at_edge or len(text) <= 60):
        names = [n for n in split_names(latin.group("v")) if n.lower() not in TOOL_LABELS]
        tail = latin.group("tail") or ""
        # "Von Anna Weber, dpa | 02.05.2024": the agency after the names is credited too.
        names += [t.strip() for t in re.split(r"[,|·•/]", tail) if is_agency(t.strip())]
        if names and _credit_tail(tail):
            return Byline(authors=names)
    if at_edge and bare:
        name = BARE_NAME.match(text)
        if name and all(is_cjk_name(n) for n in name.group("v").split()):
            return Byline(authors=name.group("v").split())
    return _closing_credit(text, at_edge, bool(dated))


def _credit_tail(tail: str) -> bool:
    """What follows a Latin byline's names is a place, a date, an agency or tool labels, not
    the rest of a sentence ("By Christmas, everyone knew")."""
    if len(tail.split()) > 8 or tail.rstrip().endswith("."):
        return False
    for word in re.findall(r"[^\W\d_]+", tail):
        low = word.lower()
        generic = low in TOOL_LABELS or is_agency(word) or _MONTHS.fullmatch(low)
        if word.islower() and len(word) > 2 and not generic:
            return False
    return True


_MONTHS = re.compile(
    r"jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|uhr|min|am|pm|updated|published|"
    r"aktualisiert|veröffentlicht|actualizado|publicado|mis à jour|oppdatert|publisert"
)


def _closing_credit(text: str, at_edge: bool, dated: bool) -> Byline | None:
    """A reporters' credit closing a paragraph. With a role or a dateline ("记者", "上海报道")
    it counts anywhere; bare surnamed names only in the body's last lines."""
    if not text.rstrip().endswith((")", "）")):  # as every closing credit does
        return None
    match = CLOSING_CREDIT.search(text)
    if not match:
        return None
    names = _names(match.group("v"))
    strong = bool(match.group("role")) or dated
    if not names or not (strong or at_edge and all(is_cjk_name(n) for n in names)):
        return None
    return Byline(authors=names, rest=text[: match.start()].rstrip())


def _names(value: str) -> list[str]:
    """Names of a CJK credit; correspondents (通讯员) after reporters count as authors too."""
    names: list[str] = []
    for part in re.split(rf"\s*{_ROLE_BETWEEN}\s*[:：/]?\s*", value):
        names.extend(n for n in split_names(part) if clean_name(n))
    return [n for n in names if n not in TOOL_LABELS]


# Page lines read after the body's last line for a byline the body's reader left out.
AFTER_BODY_LINES = 4


def byline_after_body(page_lines: list[str], body_lines: list[str]) -> list[str]:
    """Authors of a byline line right after the body, outside what the reader kept.

    The body's reader may drop a short last block ("<div>文/李青</div>") on a long article and
    keep it on a short one; looking past the body's end gives every article of a template the
    same authors. Only labelled lines count here, never a bare name.
    """
    if not body_lines:
        return []
    tail = body_lines[-1].strip()[:30]
    if len(tail) < 8:
        return []
    end = next((i for i, line in enumerate(page_lines) if tail in line), None)
    if end is None:
        return []
    for line in page_lines[end + 1 : end + 1 + AFTER_BODY_LINES]:
        credit = read_byline(line, at_edge=True, bare=False)
        if credit is not None and credit.authors and credit.rest is None:
            return credit.authors
    return []


@dataclass
class BodyCredits:
    """Credits standing beside the body, outside the lines the reader kept."""

    authors: list[str] = field(default_factory=list)
    # Names of a plain "编辑：" after the body: credited only where nobody else is.
    compilers: list[str] = field(default_factory=list)


# Lines read above the body's first paragraph for a post header or dateline.
BEFORE_BODY_LINES = 6
# "ggjjzhzz 发表于 2005-9-15 11:46:00", "作者：放飞 发布于 2006-01-02": a post header names its
# poster before the verb; "Posted by Jane Roe on May 2, 2024".
_POSTER = re.compile(
    rf"(?:^|[\s:：|])(?P<v>[\w{_CJK}·.\-]{{2,20}}?)\s*(?:于\s*)?(?:发表于|发布于|发表在|发帖于|posted on)"
    r"\s*[:：]?\s*(?=\S*\d)"
    r"|(?i:posted by)\s+(?P<en>[\w.\-]+(?:\s+[A-Z][\w.\-]+){0,2})\s+(?i:on|at)\s+(?=\S*\d)",
)
# Words before 发表于 that name no poster: "本文发表于", "文章发表于".
_NOT_POSTERS = frozenset(
    ["本文", "文章", "此文", "原文", "该文", "本帖", "帖子", "最后", "已", "首次"]
)
# "[ 黄宇 ]", "【王晨】" in a dateline beside the date or the source: the reporter.
_BRACKETED = re.compile(
    rf"(?P<label>[{_CJK}]{{1,4}}\s*[:：]\s*)?[\[【]\s*"
    rf"(?P<v>[{_CJK}·]{{2,4}}|[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){{1,2}})\s*[\]】]"
)
_DATE_MARK = re.compile(r"(?:19|20)\d\d\s*(?:年|[-/.]\s*\d{1,2})")
_SOURCE_LABEL = re.compile(r"(?:来源|稿源|出处|source)\s*[:：]", re.I)
# A signature closing a notice or a letter: who issues it, then the date alone ("吉林省人民政府"
# / "2022年1月27日").
_DATE_ONLY = re.compile(
    r"^\s*(?:19|20)\d\d\s*(?:年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[-/.]\d{1,2}[-/.]\d{1,2})\s*$"
)
_SIGNER = re.compile(rf"^[{_CJK}（）()]{{2,30}}$")
# "编辑：苏亮" (who compiled the page) after the body, alone or after a source; never 责任编辑.
_COMPILER = re.compile(rf"(?:^|\s)(?<![{_CJK}])编辑\s*[:：]\s*(?P<v>{_NAMES})\s*$")


def credits_beside_body(page_lines: list[str], body_lines: list[str]) -> BodyCredits:
    """Credits the body's reader left outside the text, looked for where they stand.

    In order: a byline line just after the body; a post header or dateline just above it
    ("X 发表于 2005-9-15", "2004年7月16日 [ 黄宇 ] 来源：…"); a signature closing the body
    (an issuer's line, then the date alone). A plain "编辑：" line after the body gives who
    compiled the page, credited only where no one else is.
    """
    found = BodyCredits(authors=byline_after_body(page_lines, body_lines))
    if not body_lines:
        return found
    found.authors = (
        found.authors
        or _header_above(page_lines, body_lines)
        or _signature(body_lines)
        or _essay_head(page_lines, body_lines)
        or _box_after(page_lines, body_lines)
    )
    found.compilers = _compilers_after(page_lines, body_lines)
    return found


def _line_of(page_lines: list[str], line: str, start: int = 0) -> int | None:
    key = line.strip()[:30]
    return next((i for i in range(start, len(page_lines)) if key in page_lines[i]), None)


def _header_above(page_lines: list[str], body_lines: list[str]) -> list[str]:
    # The first paragraph: a sentence's end closes it (an info line left in the text, such as
    # "Veröffentlicht am 13. Mai 2026 um 15:44", does not).
    long = [line for line in body_lines if len(line.strip()) >= 25]
    first = next((line for line in long if _SENTENCE_END.search(line)), long[0] if long else None)
    start = _line_of(page_lines, first) if first else None
    if start is None:
        return []
    for i in range(start - 1, max(-1, start - 1 - BEFORE_BODY_LINES), -1):
        line = page_lines[i].strip()
        if len(line) > 160:
            continue  # a photo caption or a dek between the byline and the body
        names = (
            _poster(line)
            or _bracketed(line, page_lines[max(0, i - 1)])
            or _labelled_box(page_lines, i)
        )
        if names:
            return names
        credit = read_byline(line, at_edge=True, bare=False)
        if credit is not None and credit.authors and credit.rest is None:
            return credit.authors
    return []


# A credit label on a line of its own, the names on the next lines: "Von:" / "Bill MCCARTHY,"
# / "Marisha GOLDHAMER"; a side box "Datum" / "28.04.2023" / "Autorin/Autor" / "Roman Goncharenko".
_LABEL_ALONE = re.compile(
    r"^(?i:von|by|par|por|av|door|text|autor(?:in)?(?:/autor(?:in)?)?|autoren|autorinnen|"
    r"author|authors|auteur|written by|作者|撰稿|撰文)\s*[:：]?$"
)
# Lines after the body read for such a box.
AFTER_BODY_BOX_LINES = 40


def _labelled_box(page_lines: list[str], i: int) -> list[str]:
    if not _LABEL_ALONE.match(page_lines[i].strip()):
        return []
    names: list[str] = []
    for line in page_lines[i + 1 : i + 6]:
        line = line.strip().rstrip(",，、;；")
        if not line or line in ("and", "und", "&", "og", "et", "y", "和"):
            continue  # "By" / "Matthew Digby" / "," / "Minh Do": a separator on its own line
        found = split_names(line) if 0 < len(line) <= 60 else []
        if not found or not all(_name_shaped(n) for n in found):
            break
        names.extend(found)
    return names


def _name_shaped(name: str) -> bool:
    """A person's name by shape: a CJK name, or two to four capitalised words."""
    if is_cjk_name(name):
        return True
    words = name.split()
    return 2 <= len(words) <= 4 and all(w[:1].isupper() for w in words if len(w) > 3)


def _box_after(page_lines: list[str], body_lines: list[str]) -> list[str]:
    tail = body_lines[-1].strip()[:30]
    end = _line_of(page_lines, tail) if len(tail) >= 8 else None
    if end is None:
        return []
    for i in range(end + 1, min(len(page_lines), end + 1 + AFTER_BODY_BOX_LINES)):
        names = _labelled_box(page_lines, i)
        if names:
            return names
    return []


_SENTENCE_END = re.compile(r"[.!?。！？…][\"'”’」』)）]*\s*$")


# "楼主：老张的茶", "发帖人: lanshan2008", "博主：山风": a thread's or a post's poster by label,
# a screen name of any shape (a byline line's label needs a name in shape).
_POSTER_LABEL = re.compile(
    rf"^(?:楼主|发帖人|发帖者|帖主|博主|作者|发布者|发布人)\s*[:：]\s*(?P<v>[\w{_CJK}·.\-]{{2,20}})"
    r"(?=\s|$)"
)


def _may_post(line: str) -> bool:
    """Whether ``_POSTER`` can match: its words are "发…" or "posted" in any case (of which
    re.IGNORECASE matches "ſ" to "s", lower() does not). Its search tries a name at every
    position of a line: most lines hold neither and are not searched."""
    return "发" in line or "posted" in line.lower() or "ſ" in line


def _poster(line: str) -> list[str]:
    match = (_POSTER.search(line) if _may_post(line) else None) or _POSTER_LABEL.match(line)
    if not match:
        return []
    value = (match.group("v") or match.groupdict().get("en") or "").strip(" .-")
    if not value or value in _NOT_POSTERS or value.isdigit():
        return []
    name = clean_name(value)
    return [name] if name and name.lower() not in TOOL_LABELS else []


# A credit in brackets with its role, anywhere on a line above the body: "（记者 王晨 通讯员
# 李四）", "【本报记者 王晨】", "【王晨/文】", "(文/王晨)".
_ROLE_BRACKET = re.compile(
    rf"[（(【\[]\s*(?:{_ORG}\s*{_ROLE}\s*[:：/]?\s*(?P<v>{_NAMES}(?:\s*{_ROLE_BETWEEN}\s*[:：/]?\s*{_NAMES})*)"
    rf"|(?P<w>{_NAME})\s*/\s*(?:文|撰文|摄|文图))\s*[)）】\]]"
)


def _bracketed(line: str, before: str) -> list[str]:
    """A name in brackets on a dateline: with its role anywhere ("（记者 王晨）", "【王晨/文】");
    without one, where the line (or the one above it) has a date or a source label; a bracket
    right after a label ("来源：[ 国际金融报 ]") is that field's."""
    role = _ROLE_BRACKET.search(line)
    if role:
        names = _names(role.group("v") or role.group("w"))
        if names:
            return names
    if not (_DATE_MARK.search(line) or _SOURCE_LABEL.search(line) or _DATE_MARK.search(before)):
        return []
    for match in _BRACKETED.finditer(line):
        value = match.group("v")
        if match.group("label") or value.lower() in TOOL_LABELS:
            continue
        if is_cjk_name(value) or (value[:1].isascii() and len(value.split()) >= 2):
            return [value]
    return []


def _signature(body_lines: list[str]) -> list[str]:
    lines = [line.strip() for line in body_lines if line.strip()]
    if len(lines) < 3 or not _DATE_ONLY.match(lines[-1]):
        return []
    signer = lines[-2].replace("\u3000", "")
    return [signer] if _SIGNER.match(signer) and signer not in TOOL_LABELS else []


_PEN_NAME = re.compile(rf"^[{_CJK}·]{{2,6}}$")


def _essay_head(page_lines: list[str], body_lines: list[str]) -> list[str]:
    """An essay's head: its title, then its writer's name alone on a line ("我是怎样……" /
    "茉莉"), where the page's heading says the same as "writer：title" ("茉莉：我是怎样……").
    A pen name has no surname shape, so the heading's word is the evidence."""
    lines = [line.strip() for line in body_lines[:3] if line.strip()]
    if len(lines) < 3 or len(lines[0]) > 60 or not _PEN_NAME.match(lines[1]):
        return []
    name, head = lines[1], lines[0]
    said = {f"{name}：{head}", f"{name}:{head}", f"{name}: {head}", f"{name} ：{head}"}
    if any(line.strip() in said for line in page_lines):
        return [name]
    return []


def _compilers_after(page_lines: list[str], body_lines: list[str]) -> list[str]:
    tail = body_lines[-1].strip()[:30]
    end = _line_of(page_lines, tail) if len(tail) >= 8 else None
    if end is None:
        return []
    for line in page_lines[end + 1 : end + 1 + AFTER_BODY_LINES]:
        match = _COMPILER.search(line.strip())
        if match and "责任编辑" not in line:
            return split_names(match.group("v"))
    return []


# A wire dateline opening the story: "WASHINGTON (AP) —", "BERLIN (dpa) -",
# "新华社北京5月2日电", "中新网上海5月2日电". The agency in it is the story's source.
_WIRE_DATELINE = re.compile(
    r"^[A-ZÀ-ÞĀ-Ž]{2,}[\w .,'/-]{0,40}?\s*[(（]\s*(?P<agency>[A-Za-z][\w .&/-]{0,24}?)\s*[)）]"
    r"\s*[—–-]"
)
_CJK_WIRE_DATELINE = re.compile(
    rf"^(?P<agency>[{_CJK}]{{1,6}}(?:社|网))[{_CJK}]{{0,8}}\d{{1,2}}月\d{{1,2}}日(?:电|讯)"
)


def lead_agency(first_line: str) -> str | None:
    """The agency named in the wire dateline that opens the body, if any."""
    text = first_line.strip()[:200]
    match = _WIRE_DATELINE.match(text) or _CJK_WIRE_DATELINE.match(text)
    if match is None:
        return None
    agency = match.group("agency").strip()
    # The dateline's shape and the name's own (a wire name, "...社"): two signals, not one.
    return agency if is_agency(agency) else None
