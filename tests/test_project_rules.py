"""The project rules script (run by `make lint`) catches what review caught before."""

from scripts import check_rules


def _rule(name: str):
    return next(r for r in check_rules.RULES if r.name == name)


def test_repository_follows_the_rules():
    assert check_rules.check() == []


def test_orm_in_views_is_caught():
    assert _rule("no-orm-in-views").pattern.search("    qs = Keluarga.objects.all()")


def test_inline_style_and_script_and_cdn_are_caught():
    assert _rule("no-inline-style-or-handler").pattern.search('<div style="color:red">')
    assert _rule("no-inline-style-or-handler").pattern.search('<button onclick="go()">')
    assert _rule("no-inline-script").pattern.search("<script>alert(1)</script>")
    assert not _rule("no-inline-script").pattern.search('<script src="/static/x.js" defer>')
    assert _rule("no-cdn").pattern.search('<script src="https://cdn.example.com/x.js">')
