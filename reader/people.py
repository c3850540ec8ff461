"""People credited on a page: authors, the agency a story comes from, by structure.

Names come from JSON-LD, ``<meta>`` tags, byline markup and byline lines; each source's text
goes through one reading (``split_names``): labels and roles off ("By", "Von", "文/",
"记者"), editors cut off, e-mails, handles and tool labels out, split on the language's
separators and "and" but not inside a "Surname, Given" inversion. ``credits`` then decides
between people and organisations: a person credited anywhere wins over the publisher; an
agency credit is kept as ``source``, and as the author where no person is named.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from lxml.etree import XPath
from lxml.html import HtmlElement

from reader.cjk import HAN, cjk_regex
from reader.classnames import tokens_of
from reader.structured import squash as _squash

_CJK = HAN
_CJK_NAME = re.compile(rf"[{_CJK}·]{{2,5}}")

# Separators between names: punctuation, and the word "and" of the languages we read. A CJK
# "and" (和, 与, 及) only splits between two CJK names (checked in ``_split_cjk_and``).
_NAME_SPLIT = re.compile(
    # "and" in lower case only: "John E Smith" keeps its middle initial.
    r"\s*(?:[,，、;；/|｜&＋+]|\s(?:and|und|og|et|y|e|och|en|i|ja|sowie|AND|UND)\s|\s{2,}|"
    rf"(?<=[{_CJK}])\s+(?=[{_CJK}]))\s*"
)
_CJK_AND = re.compile(rf"(?<=[{_CJK}]{{2}})[和与及](?=[{_CJK}]{{2}})")

# A label or role in front of names: "By", "Von", "Par", "Por", "Av", "Door", "Af", "Przez",
# "Text:", "Autor:", "文/", "作者：", "本报记者", "新华社记者", "通讯员", "实习生" ...
_LATIN_LABEL = re.compile(
    r"^(?:(?:written|words|text|story|reporting|reported|photos?|posted|analysis|opinion|"
    r"commentary|interview|review)\s+by|(?:ein\s+)?(?:kommentar|gastbeitrag|analyse|interview)\s+von|"
    r"by|von|vom|par|(?-i:di)|"
    r"por|av|door|af|przez|od|tekst|text|texte|autor(?:in|es|en)?|author|auteur|forfatter|"
    r"skrevet av|redaksjonen|текст|автор)(?!\w)\s*[:：]?\s*",
    re.I,
)
_CJK_ROLE = re.compile(
    r"(?<![^\s,，、;；:：(（\[【])"
    rf"(?:[{_CJK}]{{0,10}}?(?:报|社|网|台|刊|频道|特约|实习|见习|首席))?"
    r"(?:记者|通讯员|实习生|撰稿人?|撰文|采写|执笔人?|作者|摄影)\s*[:：/｜|]?\s*"
    r"|(?<![^\s,，、;；:：(（\[【])(?:文|摄|文字|文图|图文)\s*[:：/｜|]\s*"
)
# What ends the authors and starts another credit: editors, sources, photo credits.
_EDITOR_MARK = re.compile(
    r"(?:责任编辑|责编|编辑|主编|审核|审校|校对|值班编辑|监制|editor|edited by|redigert av|"
    r"redaktion|redacción|redazione|bearbeitet von)\s*[:：]?",
    re.I,
)
_SOURCE_MARK = re.compile(
    r"(?:文章来源|新闻来源|来源|稿源|出处|source|quelle|fuente|fonte|kilde|källa|bron|źródło)"
    r"\s*[:：]\s*",
    re.I,
)
_EMAIL = re.compile(r"\S+@\S+\.\w+")
_HANDLE = re.compile(r"(?<!\w)@\w+")
_URL = re.compile(r"https?://\S+|www\.\S+")
# A clipped parenthesis at the end: "Elena Oberholzer (obe" - the initials of a desk code.
_CLIPPED = re.compile(r"\s*[(（][^)）]*$")
_MONTH_TAIL = re.compile(
    r"\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec|january|february|march|april|"
    r"june|july|august|september|october|november|december|januar|februar|märz|mai|juni|juli|"
    r"oktober|dezember|updated|published|aktualisiert|stand|monday|tuesday|wednesday|thursday|"
    r"friday|saturday|sunday|montag|dienstag|mittwoch|donnerstag|freitag|samstag|sonntag)\.?$",
    re.I,
)
# A job title after the name: "Tom Gillespie, News reporter", "Roger Gonzalez CBS Sports Writer".
_ROLE_TAIL = re.compile(
    r"(?:^|\s+)(?P<lead>(?:[\w.&]+\s+){0,2})(?:reporter|correspondent|writer|editor|columnist|"
    r"contributor|reviewer|\w*redakteur(?:in)?|korrespondent(?:in)?|journalist(?:in)?|reporterin|"
    r"corresponsal|periodista|redactora?|giornalista|inviat[oa]|correspondant|journaliste)$",
    re.I,
)
# Labels of tool links that sit beside bylines: never names.
TOOL_LABELS = frozenset(
    [
        "打印",
        "打印本页",
        "打印文章",
        "收藏",
        "收藏本文",
        "加入收藏",
        "字号",
        "大",
        "中",
        "小",
        "关闭",
        "关闭窗口",
        "分享",
        "分享到",
        "评论",
        "我要评论",
        "纠错",
        "复制链接",
        "微信",
        "微博",
        "qq空间",
        "返回",
        "返回顶部",
        "字体",
        "默认",
        "放大",
        "缩小",
        "print",
        "share",
        "email",
        "e-mail",
        "mail",
        "comment",
        "comments",
        "save",
        "follow",
        "twitter",
        "facebook",
        "linkedin",
        "whatsapp",
        "x",
        "rss",
        "more",
        "menu",
        "subscribe",
        "reddit",
        "pinterest",
        "instagram",
        "threads",
        "bluesky",
        "mastodon",
        "follow us",
        "watch live",
        "startseite",
        "home",
        "artikel",
        "letzte artikel",
        "über",
        "mehr",
        "文章",
        "阅读",
        "总阅读",
        "粉丝",
        "关注",
        "点赞",
    ]
)
# Wire agencies, by their usual credit. A weak signal only: a credit also counts as an
# agency by where it stands ("(AP)", "Source: X", "来源：X", "X/dpa").
WIRE_AGENCIES = frozenset(
    {
        "ap",
        "associated press",
        "reuters",
        "afp",
        "agence france-presse",
        "dpa",
        "deutsche presse-agentur",
        "apa",
        "sid",
        "kna",
        "epd",
        "efe",
        "ansa",
        "ntb",
        "anp",
        "belga",
        "pa media",
        "upi",
        "pti",
        "ians",
        "kyodo",
        "yonhap",
        "xinhua",
        "čtk",
        "pap",
        "sda",
        "keystone-sda",
        "新华社",
        "新华网",
        "中新社",
        "中新网",
        "中国新闻网",
    }
)
# Generic credits that name no one: "Staff", "Redaktion", "本报".
_NOBODY_WORDS = frozenset(
    {
        "staff",
        "staff writer",
        "staff reporter",
        "redaktion",
        "unsere redaktion",
        "unserer redaktion",
        "newsroom",
        "editorial team",
        "本报",
        "本报记者",
        "本网",
        "记者",
        "通讯员",
        "佚名",
        "admin",
        "administrator",
        "anonymous",
        "agenturen",
        "nachrichtenagentur",
        "nachrichtenagenturen",
        "agencies",
        "wire services",
        "agencias",
        "agences",
    }
)


# The commonest Chinese surnames: a name in shape starts with one (a language fact, used
# where a bare name stands without a label).
_SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁"
    "任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武"
    "戴莫孔向汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮"
    "柯纪梅童凌毕单季裴霍涂成苗谷盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古"
    "吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫"
    "寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝"
)


def is_cjk_name(text: str) -> bool:
    """2-3 CJK characters starting with a common surname: a Chinese name by its shape."""
    return bool(re.fullmatch(rf"[{_CJK}]{{2,3}}", text)) and text[0] in _SURNAMES


MAX_CREDIT_CHARS = 300


def split_names(text: str) -> list[str]:
    """The names a credit line gives, in order.

    "Felix Schröder und Jörg Soldwisch" and "A og B" are two names, "张三、李四" and "张三 李四"
    too; "Brazil, Rachel" is one ("Rachel Brazil"). Editors named after the authors, labels,
    e-mails, handles and tool labels are left out.
    """
    # A credit is a line, not a page: a longer value is cut before any pattern reads it.
    text = _squash(_URL.sub(" ", text[:MAX_CREDIT_CHARS]))
    text = _EDITOR_MARK.split(text, maxsplit=1)[0]
    text = _SOURCE_MARK.split(text, maxsplit=1)[0]
    text = _EMAIL.sub(" ", text)
    text = _HANDLE.sub(" ", text)
    # "(dpa)", "(AP)" after names: the agency, as one more credit.
    text = re.sub(r"[(（]\s*([^()（）]{2,30}?)\s*[)）]", r", \1", text)
    text = _CLIPPED.sub("", text)
    text = _LATIN_LABEL.sub("", text.strip())
    text = _CJK_ROLE.sub(" ", text).strip()
    inverted = _inverted(text)
    if inverted:
        return [inverted]
    text = _HANDLE_AMP.sub(_keep_handle, text)
    names: list[str] = []
    for part in _NAME_SPLIT.split(_AGENCY_TAIL.sub(r", \1", text)):
        for piece in _CJK_AND.split(part):
            name = clean_name(piece.replace(_AMP, "&"))
            if name:
                names.append(name)
    return names


# "Tom Davies Associated Press": a wire credit run on after a name, without a comma.
_AGENCY_TAIL = re.compile(r"(?<=\w)\s+(Associated Press|Reuters|AFP|dpa|Canadian Press)$", re.I)


# "放飞&心情": an ampersand inside a run of CJK with no space is part of a screen name,
# unless both sides are names in shape ("张三&李四").
_HANDLE_AMP = re.compile(rf"([{_CJK}]+)&([{_CJK}]+)")
_AMP = "\ue000"  # a private-use stand-in, never a separator


def _keep_handle(match: re.Match[str]) -> str:
    left, right = match.groups()
    if is_cjk_name(left) and is_cjk_name(right):
        return match.group(0)
    return f"{left}{_AMP}{right}"


def _inverted(text: str) -> str | None:
    """ "Brazil, Rachel" (one surname, one given name, a comma between): "Rachel Brazil"."""
    match = re.fullmatch(r"([A-ZÀ-Þ][\w'\-]+),\s*([A-ZÀ-Þ][\w'\-]+\.?)", text)
    if not match:
        return None
    surname, given = match.groups()
    if given.lower() in WIRE_AGENCIES or surname.lower() in WIRE_AGENCIES:
        return None
    if given.isupper() and len(given) <= 5:  # "Smith, AP": a name and an agency
        return None
    return f"{given} {surname}"


_PHOTO_CREDIT = re.compile(r"^(?:fotos?|photos?|bild|image|imagen|immagine|zdjęcie)\s*[:/]", re.I)


def clean_name(part: str) -> str | None:
    """One name with labels, punctuation and trailing dates taken off; None if it is none."""
    part = _squash(part).strip(" .·•|-–—()（）【】[]:：,，\"'“”«»")
    if _PHOTO_CREDIT.match(part):
        return None
    half = part.split()
    if len(half) % 2 == 0 and half[: len(half) // 2] == half[len(half) // 2 :]:
        part = " ".join(half[: len(half) // 2])  # "Ryan Lee Ryan Lee": one name said twice
    part = _LATIN_LABEL.sub("", part)
    part = re.split(r"\s+\d", part, maxsplit=1)[0]
    for _ in range(2):
        part = _MONTH_TAIL.sub("", part).strip(" .,")
    part = _without_role(part)
    words = part.split()
    while words and words[-1].lower() in TOOL_LABELS:
        words.pop()
    part = " ".join(words)
    low = part.lower()
    if not part or len(part) > 60 or low in TOOL_LABELS or low in _NOBODY_WORDS:
        return None
    if not re.search(r"[^\W\d_]", part) or low.startswith(("http", "www.")):
        return None
    if _MONTH_TAIL.fullmatch(" " + part) or not all(re.search(r"\w", w) for w in words):
        return None  # "November", "Name *"
    if len(words) > 6:  # a sentence, not a name
        return None
    if re.fullmatch(r"[a-z]{1,4}", part) and low not in WIRE_AGENCIES:
        return None  # a desk code or initials ("obe", "ssi"), not a name
    return part


# Every match of ``_ROLE_TAIL`` ends the text with one of these titles, matched ignoring case:
# the text's end lower-cased, with the letters re's IGNORECASE takes for an ASCII letter that
# lower() does not give ("ı" and "İ" for "i", "ſ" for "s"; "K" lowers to "k") mapped first.
# A name that ends otherwise (most) is not searched: the search tries every space in it.
_ROLE_TITLES = (
    "reporter",
    "correspondent",
    "writer",
    "editor",
    "columnist",
    "contributor",
    "reviewer",
    "redakteur",
    "redakteurin",
    "korrespondent",
    "korrespondentin",
    "journalist",
    "journalistin",
    "reporterin",
    "corresponsal",
    "periodista",
    "redactor",
    "redactora",
    "giornalista",
    "inviato",
    "inviata",
    "correspondant",
    "journaliste",
)
_AS_ASCII = str.maketrans({"ı": "i", "İ": "i", "ſ": "s"})


def _may_end_in_role(part: str) -> bool:
    """False where ``_ROLE_TAIL`` cannot match (its ``$`` also matches before a last "\n")."""
    tail = part[:-1] if part.endswith("\n") else part
    return tail[-16:].translate(_AS_ASCII).lower().endswith(_ROLE_TITLES)


def _without_role(part: str) -> str:
    """The name without a trailing job title; up to two words before the title belong to it
    ("CBS Sports Writer", "News reporter") unless that would leave a single word."""
    match = _ROLE_TAIL.search(part) if _may_end_in_role(part) else None
    if not match:
        return part
    head = part[: match.start()].strip(" .,")
    lead = match.group("lead").split()
    if not head:
        # "Marta Cañete Corresponsal" is a name and a title; "CBS Sports Writer" a desk.
        return "" if any(w.isupper() and len(w) > 1 for w in lead) else " ".join(lead)
    if len(head.split()) >= 2 or head.isupper():
        return head  # "Jane Doe", or an agency's acronym ("AP National Security Writer")
    return " ".join([head, *lead[:-1]] if len(lead) == 2 else [head])


def unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, None] = {}
    for value in values:
        if value and value.lower() not in (s.lower() for s in seen):
            seen[value] = None
    return list(seen)


# --- structured data ------------------------------------------------------------------------


@dataclass(frozen=True)
class Credit:
    """A name credited on the page and whether the page says it is an organisation."""

    name: str
    organisation: bool = False


_ORG_TYPES = {
    "organization",
    "newsmediaorganization",
    "corporation",
    "organisation",
    "governmentorganization",
    "ngo",
}


def ld_credits(value: Any) -> list[Credit]:
    """Credits out of a JSON-LD ``author``: strings, Person/Organization objects (a Person
    may give only ``givenName`` and ``familyName``), or lists of them, nested or not."""
    found: list[Credit] = []
    for entry in value if isinstance(value, list) else [value]:
        if isinstance(entry, list):
            found.extend(ld_credits(entry))
            continue
        organisation = False
        if isinstance(entry, dict):
            kinds = entry.get("@type", [])
            kinds = {str(k).lower() for k in (kinds if isinstance(kinds, list) else [kinds])}
            organisation = bool(kinds & _ORG_TYPES)
            name = entry.get("name")
            if isinstance(name, list):
                name = " ".join(str(n) for n in name)
            if not (isinstance(name, str) and name.strip()):
                given = entry.get("givenName") or ""
                family = entry.get("familyName") or ""
                name = (
                    f"{given} {family}"
                    if isinstance(given, str) and isinstance(family, str)
                    else ""
                )
        else:
            name = entry
        if isinstance(name, str) and name.strip() and not name.strip().startswith("http"):
            found.extend(Credit(n, organisation) for n in split_names(name))
    return found


def ld_names(value: Any) -> list[str]:
    """Names out of a JSON-LD ``author`` value, people and organisations alike."""
    return [credit.name for credit in ld_credits(value)]


# --- who is credited --------------------------------------------------------------------------


@dataclass
class Credits:
    """The page's authors and the agency its story comes from."""

    authors: list[str] = field(default_factory=list)
    source: str | None = None


# What an agency calls itself: "Nachrichtenagentur", "news agency", "通讯社", "新华社".
_AGENCY_WORDS = re.compile(
    r"\b(?:news ?agency|press agency|presse-?agentur|nachrichtenagentur|agence|agencia|agenzia|"
    rf"news service|wire service)\b|^[{_CJK}]{{1,4}}社$"
)


# Offices that end in 社 and are not news agencies: publishers, newspapers, co-operatives.
_NOT_AGENCIES = ("出版社", "报社", "杂志社", "合作社", "旅行社")


def is_agency(name: str, marked: bool = False) -> bool:
    """A wire agency: credited where agencies stand (``marked``), or a known wire name."""
    low = name.lower().strip()
    if low.endswith(_NOT_AGENCIES):
        return False
    if marked or low in WIRE_AGENCIES or _AGENCY_WORDS.search(low):
        return True
    # "AFP Deutschland", "dpa-AFX", "Reuters Staff": a wire name as the credit's first word.
    first = re.split(r"[\s\-/]", low, maxsplit=1)[0]
    return first in WIRE_AGENCIES and len(low.split()) <= 3


def _initials(name: str) -> str:
    """ "Deutsche Presse-Agentur" -> "dpa", "Associated Press" -> "ap"."""
    words = [w for w in re.split(r"[\s\-]+", name) if w]
    return "".join(w[0] for w in words).lower() if len(words) >= 2 else ""


def _publisher_like(name: str, site_names: Iterable[str]) -> bool:
    """The credit names the site itself ("HERALD.example", "Herald NACHRICHTEN", "herald.example")."""
    low = re.sub(r"\W+", "", name.lower())
    if not low:
        return False
    for site in site_names:
        s = re.sub(r"\W+", "", site.lower().removeprefix("www."))
        s_root = re.sub(r"\W+", "", site.lower().removeprefix("www.").rsplit(".", 1)[0])
        if s and (low in s or s in low or (len(s_root) >= 3 and s_root in low)):
            return True
    return bool(re.search(r"\.(?:de|com|at|ch|no|it|pl|cz|lu|es|cn|net|org)\b", name.lower()))


def _person_like(name: str) -> bool:
    """Looks like a person's name: 2-5 CJK characters, or capitalised words (particles such as
    "van", "de", "bin" aside); an acronym or lower-case phrase is not."""
    if _CJK_NAME.fullmatch(name):
        return True
    words = name.split()
    if len(words) == 1:
        return False if name.isupper() or name.islower() else len(name) > 3
    if name.isupper():
        return len(words) <= 4 and all(len(w) > 1 for w in words)  # "LISA MASCARO"
    return all(w[:1].isupper() or w.lower() in _PARTICLES for w in words)


_PARTICLES = frozenset(
    [
        "van",
        "von",
        "de",
        "der",
        "den",
        "da",
        "di",
        "del",
        "della",
        "dos",
        "du",
        "la",
        "le",
        "bin",
        "al",
        "ibn",
        "ter",
        "ten",
        "zu",
        "y",
    ]
)


def credits(
    structured: list[Credit],
    meta: list[str],
    markup: list[str],
    lines: list[str],
    site_names: Iterable[str],
    agencies: Iterable[str] = (),
    compilers: Iterable[str] = (),
) -> Credits:
    """People win: the first source naming a person gives the authors.

    The sources in order: JSON-LD, meta author, byline markup, byline lines. An agency named
    anywhere becomes ``source``; where nobody is credited it is the author, and failing that
    an organisation that is not the publisher, then who compiled the page (a plain
    "编辑：", never a responsible editor), and failing that the publisher.
    """
    sites = [s for s in site_names if s]
    # A source line ("来源：X", "Quelle: X") names where the story comes from: the source;
    # an author only where it is an agency and nobody is credited.
    sourced = [a for a in agencies if a and not is_cjk_name(a)]
    # Agencies a credit names; those only a source line or a dateline names come after, so
    # "AP" in a dateline does not become a second author beside "Associated Press".
    found_agencies: list[str] = []
    marked = [a for a in sourced if is_agency(a)]
    # "来源：尹娟": a source line that names a person credits its author.
    lines = [*lines, *(a for a in agencies if a and is_cjk_name(a))]
    others: list[str] = []
    publisher: list[str] = []
    people: list[str] = []
    for kind, entries in (
        ("structured", structured),
        ("meta", [Credit(n) for n in meta]),
        ("markup", [Credit(n) for n in markup]),
        ("lines", [Credit(n) for n in lines]),
    ):
        persons = []
        if kind == "meta" and any(_publisher_like(c.name, sites) for c in entries):
            # "hessenschau.de, Frankfurt, Germany": the publisher and its address.
            publisher.extend(c.name for c in entries)
            continue
        for credit in entries:
            name = credit.name
            if is_agency(name):
                found_agencies.append(name)
            elif _publisher_like(name, sites):
                publisher.append(name)
            elif credit.organisation or not _person_like(name):
                others.append(name)
            else:
                persons.append(name)
        if persons and not people:
            people = persons
            if kind == "structured" and any(not c.organisation for c in entries):
                # JSON-LD Persons that look like acronyms still are its people ("MDR").
                people = [
                    c.name for c in entries if not c.organisation and c.name not in found_agencies
                ]
    credited_agency = found_agencies[0] if found_agencies else None
    found_agencies = found_agencies or marked
    # "SID", "SID Nachrichtenagentur": one agency, credited by its shortest name.
    # "dpa" beside "Deutsche Presse-Agentur": one agency by its initials and its full name.
    agencies_u = [
        a
        for a in unique(found_agencies)
        if not any(
            o.lower() != a.lower() and (o.lower() in a.lower() or a.lower() == _initials(o))
            for o in found_agencies
        )
    ]
    # The agency a credit names, else the source line's or the dateline's.
    source = (
        next(iter(agencies_u), None) if credited_agency else next(iter(sourced or agencies_u), None)
    )
    if people:
        return Credits(unique(people), source)
    if agencies_u:
        return Credits(agencies_u, source)
    return Credits(unique(others) or unique(compilers) or unique(publisher)[:1], source)


# --- bylines in markup -------------------------------------------------------------------------

BYLINE_TOKENS = {"byline", "author", "authors", "writer", "reporter", "contributor", "byl"}
# Every byline token contains one of these: a token match implies a substring match.
_BYLINE_ROOTS = re.compile("byl|author|writer|reporter|contributor")
# Cards of other stories repeat their byline markup: this many with one class is a list.
CARD_REPEATS = 3
_BYLINE_STOP = re.compile(
    r"\s[|·•]\s|\s{2,}|(?<=\w),\s*(?:updated|published|aktualisiert)|\s+\d|"
    r"\s(?:updated|published|aktualisiert|veröffentlicht|stand:)\b",
    re.I,
)


def byline_markup(
    elements: Iterable[HtmlElement], marked: list[HtmlElement], named: list[HtmlElement]
) -> None:
    """Add to ``marked`` the elements with rel/itemprop=author, to ``named`` those whose
    class/id names a byline, in the order given. (``reader.dom.scan_page`` does the same for
    the body in its one walk of the page.)"""
    # Plain attribute reads: XPath predicates over every element cost more.
    for el in elements:
        if not isinstance(el.tag, str):
            continue
        if el.get("rel") == "author" or el.get("itemprop") == "author":
            marked.append(el)
        cls, ident = el.get("class"), el.get("id")
        if (cls or ident) and names_byline(cls, ident):
            named.append(el)


def byline_names(
    tree: HtmlElement, markup: tuple[list[HtmlElement], list[HtmlElement]] | None = None
) -> list[str]:
    """Author names from byline markup (class/id naming an author, rel/itemprop=author).

    The bylines of teaser cards are not the article's: markup repeated on the page under one
    class, or a byline inside a link that also holds a headline, is left out. ``markup`` is
    ``byline_markup``'s two lists over the whole tree, when a walk already gathered them.
    """
    marked: list[HtmlElement]
    named: list[HtmlElement]
    if markup is None:
        marked, named = [], []
        byline_markup(tree.iter(), marked, named)
    else:
        marked, named = markup
    repeats: dict[tuple[str, str], int] = {}
    for el in marked + named:
        key = (el.tag, el.get("class") or el.get("itemprop") or el.get("rel") or "")
        repeats[key] = repeats.get(key, 0) + 1
    found: list[str] = []
    for el in marked + named:
        key = (el.tag, el.get("class") or el.get("itemprop") or el.get("rel") or "")
        if repeats[key] >= CARD_REPEATS or _in_card(el) or _in_form(el):
            continue
        text = _first_line(el)
        if not text or len(text) > 120:
            continue
        text = _BYLINE_STOP.split(_LATIN_LABEL.sub("", text), maxsplit=1)[0]
        found.extend(n for n in split_names(text) if _markup_name(n))
    return unique(found)


# (texts as plain strings: a "smart" string, which knows its element, is not needed here)
_TEXTS_AND_BREAKS = XPath(".//text()|.//br", smart_strings=False)


def _first_line(el: HtmlElement) -> str:
    """The byline's text up to its first line break: a forum's author box goes on with the
    poster's rank and score on the next lines."""
    parts: list[str] = []
    for node in _TEXTS_AND_BREAKS(el):
        if not isinstance(node, str):
            if _squash(" ".join(parts)):
                break
            continue
        parts.append(node)
    return _squash(" ".join(parts))


def _markup_name(name: str) -> bool:
    return _person_like(name) or is_agency(name) or bool(re.fullmatch(r"[A-Z][\w.'\-]+", name))


def _in_form(el: HtmlElement) -> bool:
    """A comment form's "Name *" field is labelled author, and names no one."""
    if el.tag in ("label", "input", "textarea", "option", "button"):
        return True
    return next(el.iterancestors("form"), None) is not None


def _in_card(el: HtmlElement) -> bool:
    """Inside a link or list item that holds much more text than the byline: a teaser card."""
    own: int | None = None  # the byline's own length, read at its first link ancestor
    for depth, parent in enumerate(el.iterancestors()):
        if depth > 4:
            break
        if parent.tag == "a":
            if own is None:
                own = len(_squash(el.text_content()))
            if len(_squash(parent.text_content())) > own + 30:
                return True
        elif (
            parent.tag == "li"
            and next(parent.iterdescendants("h1"), None) is None
            and any(len(_squash(a.text_content())) > 30 for a in parent.iter("a"))
        ):
            return True
    return False


@lru_cache(maxsize=4096)
def names_byline(cls: str | None, ident: str | None) -> bool:
    """A class/id whose tokens include a byline token; the substring test rules most out."""
    raw = f"{cls or ''} {ident or ''}"
    return _BYLINE_ROOTS.search(raw.lower()) is not None and bool(tokens_of(raw) & BYLINE_TOKENS)


_DATELINE_AUTHOR = cjk_regex(
    r"(?:(?:作者|文|撰稿|采写|执笔人?)\s*[:：/]\s*|记者\s+(?=[\p{Han}·]{2,4}(?![\p{Han}])))(?P<v>[\p{Han}·]{2,5}(?![\p{Han}·]*\s*[:：])(?:[\s、,，]+[\p{Han}·]{2,5}(?![\p{Han}·]*\s*[:：])){0,3})"
    # "By X" opening the line or after a separator or a verb of writing; not "passed by
    # Congress" in a sentence, nor "Powered by Threadline" in a footer.
    r"|(?:^|[|·•—–]\s*|(?<=\d)\s+|\b(?i:written|posted|reported|story|words|text|reporting)\s+)(?i:by)\s+(?P<en>[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}(?:\s*(?:,|and|&)\s*[A-Z][\w.'\-]+(?:\s+[A-Z][\w.'\-]+){0,3}){0,3})"
)


def dateline_authors(lines: list[str]) -> list[str]:
    """Authors named in the short info lines under a headline ("来源：… 作者：张三 打印")."""
    for line in lines:
        if len(line) > 160:
            continue
        match = _DATELINE_AUTHOR.search(line)
        if match:
            return split_names(match.group("v") or match.group("en"))
    return []


META_AUTHOR_KEYS = (
    "author",
    "article:author",
    "dc.creator",
    "byl",
    "sailthru.author",
    "parsely-author",
)


# Scholarly citation tags (Highwire/Google Scholar): one author per tag, or a list separated
# by semicolons. More specific than a generic ``author`` tag, which on a journal's page often
# names the publisher.
CITATION_AUTHOR_KEYS = ("citation_author", "citation_authors", "dc.creator.personalname")


def meta_authors(meta: dict[str, list[str]]) -> list[str]:
    """Names in the first author ``<meta>`` that holds names (profile URLs are not names).

    A value that names the page's software (the ``generator`` tag's product, "Discuz! Team"
    beside "Discuz! X3.4") is the template's credit, not the article's.
    """
    cited = _citation_authors(meta)
    if cited:
        return cited
    software = _software_names(meta)
    for key in META_AUTHOR_KEYS:
        names = [
            n
            for value in meta.get(key, [])
            if not value.startswith("http") and not _names_software(value, software)
            for n in [*split_names(value), *_WEB_DOMAIN.findall(value)]
        ]
        if names:
            return names
    return []


# "Example Radio (www.radio.example)": a credit that gives its web address is a website's, not a
# person's; the domain is kept beside the names so ``credits`` reads the value as the publisher.
_WEB_DOMAIN = re.compile(r"\bwww\.[\w\-]+(?:\.[\w\-]+)+")


def _citation_authors(meta: dict[str, list[str]]) -> list[str]:
    """Authors of citation tags; "赵  培" (a CJK name spaced out for layout) is one name."""
    names: list[str] = []
    for key in CITATION_AUTHOR_KEYS:
        for value in meta.get(key, []):
            for part in re.split(r"\s*[;；]\s*", value):
                part = re.sub(rf"(?<=[{_CJK}])\s+(?=[{_CJK}])", "", part.strip())
                names.extend(split_names(part) if "," not in part else [_inverted(part) or part])
        if names:
            return unique(names)
    return []


def _software_names(meta: dict[str, list[str]]) -> set[str]:
    """The products the ``generator`` tags name ("Discuz! X3.4" -> "discuz")."""
    found = set()
    for value in meta.get("generator", []):
        word = re.match(r"[^\W\d_][\w.\-]*", value.strip())
        if word and len(word.group(0)) >= 3:
            found.add(word.group(0).lower().rstrip("."))
    return found


# Words of a software maker's credit ("Discuz! Team", "Foo Developers"), not a writer's.
_MAKER_WORDS = frozenset(
    [
        "team",
        "teams",
        "developers",
        "development",
        "group",
        "inc",
        "ltd",
        "llc",
        "project",
        "community",
        "foundation",
        "contributors",
        "labs",
    ]
)


def _names_software(value: str, software: set[str]) -> bool:
    """The value credits the software's makers: the generator's product and a maker's word
    ("Discuz! Team"); "Beachbody" beside a "Beachbody Blog 1.0" theme is the site itself."""
    words = {w.lower() for w in re.findall(r"[^\W\d_][\w\-]*", value)}
    return bool(words & software) and bool(words & _MAKER_WORDS)


# "太小心的博客", "[海姑娘]的博客历史", "bjreader的博客": the page names its blog's owner.
_BLOG_OF = re.compile(
    r"^[\[【]?\s*(?P<v>[^\s\[\]【】<>|_]{2,16}?)\s*[\]】]?\s*的\s*"
    r"(?:博客|部落格|网志|blog|空间|个人空间)(?:历史|目录|首页|主页|文章)?$",
    re.I,
)


# The elements ``blog_owner`` reads, in document order: its tags' elements whose text or title
# holds 的 (the others can name no owner), picked by libxml2 without a Python string of any
# text; one walk of the page per tag in C costs less than one Python proxy for every link.
_NAMING_BLOG = XPath(
    "(descendant-or-self::title|descendant-or-self::h1|descendant-or-self::h2"
    "|descendant-or-self::a)[contains(., '的') or contains(@title, '的')]"
)


def blog_owner(tree: HtmlElement) -> list[str]:
    """The owner of the blog a post stands on, where the page names one and only one.

    A blog's pages call it "X的博客" in the ``<title>``, a heading or a link (its text or
    title). The owner posted the page: credited only where nobody else is (a blog reposting
    a news story credits its reporters).
    """
    owners: list[str] = []
    # Every name is read off "X的": only the elements whose text or title holds 的 are read.
    for el in _NAMING_BLOG(tree):
        for text in (el.text_content(), el.get("title") or ""):
            if "的" not in text:
                continue
            text = _squash(text)
            if len(text) > 40:
                continue
            for part in TITLE_PARTS.split(text):
                match = _BLOG_OF.match(part.strip())
                if match:
                    name = clean_name(match.group("v"))
                    if name and name.lower() not in TOOL_LABELS and name not in ("我", "我们"):
                        owners.append(name)
    if not owners:
        return []
    # The owner is named elsewhere too (a profile box, "[X]个人类别"); "查看我的博客目录" or a
    # friend's blog in a link list is not. The most often named wins, if it stands out.
    page = _squash(tree.text_content())
    named = {}
    for name in unique(owners):
        said = page.count(name) - len(re.findall(rf"{re.escape(name)}[\]】]?\s*的", page))
        if said > 0:
            named[name] = said
    ranked = sorted(named.items(), key=lambda item: -item[1])
    if not ranked or (len(ranked) > 1 and ranked[1][1] >= ranked[0][1]):
        return []
    return [ranked[0][0]]


TITLE_PARTS = re.compile(r"\s*(?:--|[|_｜-])\s*")
