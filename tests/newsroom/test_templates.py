from django.template import Context, Template

from newsroom.fields import SanitizedHTML


def render(value):
    return Template("{% load richtext %}{{ value|rich }}").render(Context({"value": value}))


def test_rich_filter_renders_sanitized_html():
    assert render(SanitizedHTML("<p>ok</p>")) == "<p>ok</p>"


def test_rich_filter_escapes_text_that_was_never_sanitized():
    assert render("<script>x</script>") == "&lt;script&gt;x&lt;/script&gt;"
