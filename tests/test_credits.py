"""Who a page credits: names read from credit text, byline lines found by shape, and the same
outcome on every article of one template whatever the article's length."""

from __future__ import annotations

import pytest

from reader import read_page
from reader.bylines import credits_beside_body, lead_agency, read_byline
from reader.people import (
    Credit,
    credits,
    dateline_authors,
    meta_authors,
    split_names,
)
from reader.titles import TitleSources, page_title


@pytest.mark.parametrize(
    ("credit", "names"),
    [
        ("Felix Schröder und Jörg Soldwisch", ["Felix Schröder", "Jörg Soldwisch"]),
        ("Kari Nordmann og Ola Hansen", ["Kari Nordmann", "Ola Hansen"]),
        ("Jean Dupont et Marie Curie", ["Jean Dupont", "Marie Curie"]),
        ("Juan Pérez y Ana López", ["Juan Pérez", "Ana López"]),
        ("Anna Berg och Erik Lund", ["Anna Berg", "Erik Lund"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"]),
        ("Brazil, Rachel", ["Rachel Brazil"]),
        ("Seb Dumitru, Lille", ["Seb Dumitru", "Lille"]),
        ("Von Simone Jung", ["Simone Jung"]),
        ("Par Claire Martin", ["Claire Martin"]),
        ("Por Lucía Gómez", ["Lucía Gómez"]),
        ("Av Ingrid Dahl", ["Ingrid Dahl"]),
        ("Elena Oberholzer (obe), Oliver Maksan (oma", ["Elena Oberholzer", "Oliver Maksan"]),
        ("d.kuckelkorn@example-zeitung.de", []),
        ("Sarah Lane @sarahlane", ["Sarah Lane"]),
        ("Stephanie Bell June 20, 2023", ["Stephanie Bell"]),
        ("文/李青", ["李青"]),
        ("作者：张三 打印", ["张三"]),
        ("张三、李四", ["张三", "李四"]),
        ("张三和李四", ["张三", "李四"]),
        ("本报记者 王晨 通讯员 李四", ["王晨", "李四"]),
        ("光明日报记者 王建宏 张文攀", ["王建宏", "张文攀"]),
        ("记者 张三 责任编辑：王五", ["张三"]),
        ("打印 收藏 关闭窗口", []),
        ("Kommentar von Jan Sellner", ["Jan Sellner"]),
        ("di Viviana Rossi", ["Viviana Rossi"]),
        ("Foto: REUTERS", []),
        ("Marta Cañete Corresponsal", ["Marta Cañete"]),
        ("Roger Gonzalez, CBS Sports Writer", ["Roger Gonzalez"]),
        ("Tom Davies Associated Press", ["Tom Davies", "Associated Press"]),
        ("Posted by Vortex", ["Vortex"]),
        ("放飞&心情", ["放飞&心情"]),
        ("John E Smith", ["John E Smith"]),
    ],
)
def test_names_of_a_credit(credit: str, names: list[str]) -> None:
    assert split_names(credit) == names


@pytest.mark.parametrize(
    ("line", "authors", "editors"),
    [
        ("文/李青", ["李青"], []),
        ("□ 本报记者 葛明", ["葛明"], []),
        ("新京报记者 彭一 山东冠县报道", ["彭一"], []),
        ("执笔人：闵乐 赵兰 刘韬", ["闵乐", "赵兰", "刘韬"], []),
        ("【责任编辑：王五】", [], ["王五"]),
        ("By Jane Doe and John Roe", ["Jane Doe", "John Roe"], []),
        ("Von Felix Brandt und Jörg Seidel", ["Felix Brandt", "Jörg Seidel"], []),
    ],
)
def test_byline_lines(line: str, authors: list[str], editors: list[str]) -> None:
    credit = read_byline(line, at_edge=True)
    assert credit is not None and credit.rest is None
    assert (credit.authors, credit.editors) == (authors, editors)


def test_closing_credit_leaves_the_paragraph() -> None:
    credit = read_byline("……推动工业高质量发展。（记者 胡晓）", at_edge=True)
    assert credit is not None
    assert (credit.authors, credit.rest) == (["胡晓"], "……推动工业高质量发展。")


def test_sentences_are_not_bylines() -> None:
    assert read_byline("人物画像", at_edge=True) is None
    assert read_byline("By Christmas, everyone knew", at_edge=True) is None
    assert read_byline("By the end of the week the river had risen two metres.", True) is None
    assert read_byline("记者从市住建局获悉，今年将新增电梯一百部。", at_edge=True) is None


def test_people_win_over_the_publisher_and_agencies_are_kept() -> None:
    publisher = [Credit("Riverside Courier", organisation=True)]
    assert credits(publisher, [], ["Maria Lopez"], [], ["Riverside Courier"]).authors == [
        "Maria Lopez"
    ]
    wire = credits([Credit("Associated Press")], [], [], [], ["Valley Times"])
    assert (wire.authors, wire.source) == (["Associated Press"], "Associated Press")
    both = credits([], [], ["Jane Whitaker", "Reuters"], [], ["Valley Times"])
    assert (both.authors, both.source) == (["Jane Whitaker"], "Reuters")


def test_title_vote_ignores_the_seo_title() -> None:
    sources = TitleSources(
        structured="Plan wins council vote",
        og="Plan wins council vote | Courier",
        twitter="What changes for renters",
        h1=("Plan wins council vote",),
        document="What changes for renters | Courier",
    )
    assert page_title(sources, ["Courier"]) == "Plan wins council vote"


_PARAGRAPHS = [
    "五月一日起，江城市二十个老旧小区的加装电梯工程陆续开工，预计年底前将有一百二十部电梯投入使用。",
    "“我家住六楼，腿脚不好，以前一个星期只下一次楼。”家住东湖小区的七十八岁居民王秀英说。",
    "据介绍，今年的加装电梯项目采用“政府补贴、居民分摊”的方式，每部电梯补贴二十万元。",
    "市住建局相关负责人表示，下一步将简化审批流程，让更多老年居民早日告别“爬楼难”。",
    "东湖小区是全市第一批试点小区之一，共有十二个单元，其中九个单元已经签订协议。",
    "施工方介绍，每部电梯的工期约为四十五天，施工期间将设置临时通道，尽量减少对居民出行的影响。",
]


@pytest.mark.parametrize("paragraphs", range(2, 7))
@pytest.mark.parametrize(
    "byline",
    [
        "<p>文/李青</p>",
        "<div>文/李青</div>",
        "<p>作者：李青</p>",
        "<p><strong>文｜李青</strong></p>",
    ],
)
def test_one_template_one_outcome(paragraphs: int, byline: str) -> None:
    """A mobile template's closing byline: the same authors and no byline text on articles
    of every length (the body's reader keeps a short last block on some lengths only)."""
    body = "".join(f"<p>{p}</p>" for p in _PARAGRAPHS[:paragraphs]) + byline
    html = (
        '<html lang="zh-CN"><head><meta charset="utf-8"><title>二十个老旧小区加装电梯陆续开工'
        '_江城手机报</title></head><body><div class="top"><a href="/">江城手机报</a></div>'
        '<div class="art"><h1>二十个老旧小区加装电梯陆续开工</h1><div class="info">2024-05-02 '
        f'08:15</div><div class="con">{body}</div></div></body></html>'
    )
    reading = read_page(html, f"https://m.example.cn/news/2024/05/02/a-1023{paragraphs}.html")
    assert reading.fields["authors"] == ["李青"]
    assert "李青" not in reading.fields["text"]


@pytest.mark.parametrize(
    ("first_line", "agency"),
    [
        ("WASHINGTON (AP) — Lawmakers reached a deal late Wednesday.", "AP"),
        ("KYIV, Ukraine (AP) — Russia launched drones overnight.", "AP"),
        ("BERLIN (dpa) - Die Bundesregierung hat am Mittwoch beschlossen.", "dpa"),
        ("新华社北京5月2日电 国务院常务会议2日召开。", "新华社"),
        ("UN (United Nations) - the assembly met.", None),
        ("The (AP) stylebook has a rule for that.", None),
        ("汉斯出版社北京5月2日讯 新书发布。", None),
    ],
)
def test_wire_dateline_names_the_agency(first_line: str, agency: str | None) -> None:
    assert lead_agency(first_line) == agency


def test_dateline_agency_is_the_source_and_the_author_only_where_nobody_is_credited() -> None:
    alone = credits([], [], [], [], ["Valley Times"], ["AP"])
    assert (alone.authors, alone.source) == (["AP"], "AP")
    beside = credits([Credit("Associated Press")], [], [], [], ["Valley Times"], ["AP"])
    assert beside.authors == ["Associated Press"]
    person = credits([], [], ["Tom Davies"], [], ["Valley Times"], ["AP"])
    assert (person.authors, person.source) == (["Tom Davies"], "AP")


def test_one_agency_credited_twice_in_different_case() -> None:
    """'Associated Press' and 'associated press' are one agency (this once raised)."""
    both = credits([Credit("Associated Press")], ["associated press"], [], [], ["Valley Times"])
    assert (both.authors, both.source) == (["Associated Press"], "Associated Press")
    markup = split_names("STEVE PEOPLES, AP National Political Writer")
    desk = credits([], [], markup, [], ["Valley Times"])
    assert (desk.authors, desk.source) == (["STEVE PEOPLES"], "AP")


@pytest.mark.parametrize(
    ("lines", "authors"),
    [
        (["作者： 来源： 发布日期： 2009-11-20"], []),  # empty labels name no one
        (["作者：张三 来源：江城日报 2024-05-02"], ["张三"]),
        (["Powered by Threadline © Brightworks Ltd."], []),
        (["The bill was passed by Congress on Monday."], []),
        (["May 2, 2024 by Jane Roe"], ["Jane Roe"]),
        (["Posted by Jane Roe on May 2, 2024"], ["Jane Roe"]),
        (["By Jane Roe | May 2, 2024"], ["Jane Roe"]),
    ],
)
def test_dateline_authors(lines: list[str], authors: list[str]) -> None:
    assert dateline_authors(lines) == authors


def test_citation_tags_and_the_generators_author_tag() -> None:
    journal = {"citation_author": ["赵  培", "Smith, John"], "author": ["某某出版社"]}
    assert meta_authors(journal) == ["赵培", "John Smith"]
    forum = {"generator": ["Threadline 4.2"], "author": ["Threadline Team and Brightworks Team"]}
    assert meta_authors(forum) == []
    news = {"generator": ["WordPress 6.5"], "author": ["Jane Roe"]}
    assert meta_authors(news) == ["Jane Roe"]


_PARAGRAPH = "这是正文的第一段，讲述了这件事情的来龙去脉，篇幅足够长，足以成为一个段落。"


@pytest.mark.parametrize(
    ("above", "authors"),
    [
        (["[随笔]一篇日志", "lanshan2008 发表于 2019-3-8 20:15:00"], ["lanshan2008"]),
        (["作者：放飞 发布于 2006-01-02 10:00"], ["放飞"]),
        (["本文发表于 2019-3-8"], []),  # "本文" is no poster
        (["楼主：老张的茶", "发表于 2021-3-4 09:12 | 只看该作者"], ["老张的茶"]),
        (["作者：来源： 2021-3-4"], []),
        (["2004年7月16日08:19", "[ 黄宇 ] 来源：[ 国际金融报 ]"], ["黄宇"]),
        (["【打印】【关闭】 2004-07-16"], []),  # tool links in brackets name no one
        (["来源：[ 国际金融报 ]"], []),  # the source's bracket
        (["2024-05-02 10:00 （记者 王晨 通讯员 李四）"], ["王晨", "李四"]),
        (["【王晨/文】 2024年5月2日"], ["王晨"]),
        (["2024-05-02 10:00 【打印】【关闭】"], []),
    ],
)
def test_credits_above_the_body(above: list[str], authors: list[str]) -> None:
    page = ["首页 新闻", *above, _PARAGRAPH, "版权所有"]
    assert credits_beside_body(page, [_PARAGRAPH]).authors == authors


def test_signature_and_compiler_beside_the_body() -> None:
    body = [_PARAGRAPH, "特此通告。", "青川市人民政府", "2023年3月15日"]
    assert credits_beside_body(body, body).authors == ["青川市人民政府"]
    dated = [_PARAGRAPH, "会议于2023年3月15日召开。", "2023年3月15日"]
    assert credits_beside_body(dated, dated).authors == []
    page = [_PARAGRAPH, "来源：青川日报 编辑：刘畅", "关于我们"]
    assert credits_beside_body(page, [_PARAGRAPH]).compilers == ["刘畅"]
    responsible = [_PARAGRAPH, "来源：青川日报 责任编辑：刘畅"]
    assert credits_beside_body(responsible, [_PARAGRAPH]).compilers == []


def test_one_agency_by_its_initials_and_its_name() -> None:
    both = credits([], [], ["Deutsche Presse-Agentur", "dpa"], [], ["Inselzeitung"])
    assert both.authors == ["Deutsche Presse-Agentur"]
    two = credits([], [], ["Associated Press", "Reuters"], [], ["Valley Times"])
    assert two.authors == ["Associated Press", "Reuters"]


def test_names_under_a_label_alone() -> None:
    """'By' on its line, the names on the next ones, a separator on a line of its own."""
    body = ["This is the first paragraph of the story, long enough to be one."]
    page = ["Menu", "By", "Matthew Digby", ",", "Minh Do", *body]
    assert credits_beside_body(page, body).authors == ["Matthew Digby", "Minh Do"]
    site = {"generator": ["Beachbody Blog 1.0.0"], "author": ["Beachbody"]}
    assert meta_authors(site) == ["Beachbody"]  # the site's own theme, not a software credit
