"""Test portals composed from interchangeable template parts, drawn from a seed.

``portal.generate(seed, base_urls)`` builds one site per base URL (a template drawn from the
seed: byline form and position, info line, share bar markup, teaser lists, in-body widget,
short briefs, ``<br>`` bodies, mobile or desktop, Chinese or English) with the true fields of
every article; ``check.run_checks`` says what a crawl of them got wrong. ``python -m
tests.portalgen`` runs many seeds to find failing combinations (see its ``--help``).
"""
