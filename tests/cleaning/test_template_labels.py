"""Site-template learning sees the text's own lines: a bar of plain labels that no shape rule
catches (no links, no lead-in) is learnt from the site's pages and leaves every article.

trafilatura writes such a bar as one label a line, while the page renders it as one line: the
template keys must include the text's lines or the bar is never recognised.
"""

from __future__ import annotations

from pipelines.clean import clean_fields
from reader import read_page
from reader.template import SiteTemplates, TemplatePolicy

STORIES = [
    (
        "城区新增三处口袋公园",
        "东湖街道、北苑街道和西城街道的三处口袋公园本周开放，市民可在家门口休闲健身。",
    ),
    ("地铁五号线南延段完成试运行", "地铁五号线南延段本月完成空载试运行，预计年底前开通初期运营。"),
    (
        "我市新增公共充电桩三千个",
        "今年以来全市新增公共充电桩三千个，新能源汽车充电难问题得到缓解。",
    ),
    (
        "老旧小区改造项目过半",
        "今年计划改造的九十个老旧小区已有四十六个完工，惠及居民一万八千余户。",
    ),
    ("暑期出行高峰将至", "交通、公安等部门提醒市民错峰出行，自驾前往景区的游客提前规划路线。"),
    ("社区食堂覆盖所有街道", "全市社区食堂已覆盖所有街道，老年人就餐可享受每餐三元的补贴。"),
]


def page(title: str, lead: str, n: int) -> str:
    paragraphs = "".join(
        f"<p>{lead}记者从有关部门了解到，相关工作正按计划推进，第{k}阶段的任务已经完成。</p>"
        for k in range(1, 4)
    )
    return f"""<html lang="zh"><head><meta charset="utf-8"><title>{title}</title></head><body>
<div class="main"><h1>{title}</h1><div class="content">{paragraphs}
<div class="fx"><div class="i-wx">微信</div><div class="i-wb">新浪微博</div><div class="i-qz">QQ空间</div></div>
</div></div></body></html>"""


def test_a_label_bar_repeated_on_the_sites_pages_is_learnt_and_stripped() -> None:
    templates = SiteTemplates(TemplatePolicy(min_pages=4))
    readings = []
    for n, (title, lead) in enumerate(STORIES):
        url = f"https://www.shili-daily.example.cn/news/2025/0603/content_{88100 + n}.html"
        reading = read_page(page(title, lead, n), url)
        assert reading.kind == "article"
        templates.observe("shili-daily", reading.blocks)
        readings.append(reading)
    for reading in readings:
        fields = dict(reading.fields)
        clean_fields(fields, templates, "shili-daily")
        text = fields["text"]
        assert "新浪微博" not in text and "QQ空间" not in text and "微信" not in text
        assert "相关工作正按计划推进" in text
