"""The rich-text editor in a real browser: a writer types and pastes from Word and Google
Docs into section bodies, the live checklist follows, new inline rows get an editor too, and
what is saved is the house's clean HTML, with nothing tripping the Content-Security-Policy."""

import base64
import hashlib

import pytest

from briefings.models import Briefing, Section
from tests.e2e.test_security_browser import WatchedPerson
from tests.e2e.test_workflow_browser import Person
from tests.factories import UserFactory, complete_briefing

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

# What Word puts on the clipboard, trimmed: Mso classes, <o:p>, conditional comments, and a
# bulleted list as paragraphs starting with a Symbol-font "·" and non-breaking spaces.
WORD_STYLE = "p.MsoNormal{margin:0cm;font-family:Calibri}"
WORD_HTML = f"""<html xmlns:o="urn:schemas-microsoft-com:office:office"
xmlns:w="urn:schemas-microsoft-com:office:word"><head><meta charset="utf-8">
<style>{WORD_STYLE}</style></head><body lang=EN-GB>
<!--StartFragment-->
<h2>Why fares stay</h2>
<p class=MsoNormal>The ferry company keeps <b>single fares</b> at <i>last year's</i> price,
<a href="https://harbor.example/fares">its notice says</a>.<o:p></o:p></p>
<p class=MsoNormal>A second paragraph from Word.<o:p></o:p></p>
<p class=MsoListParagraphCxSpFirst style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>
<![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New
Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span>
<![endif]>Adults pay 3.20<o:p></o:p></p>
<p class=MsoListParagraphCxSpLast style='text-indent:-18.0pt;mso-list:l0 level1 lfo1'>
<![if !supportLists]><span style='font-family:Symbol'>·<span style='font:7.0pt "Times New
Roman"'>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;&nbsp; </span></span>
<![endif]>Children ride free<o:p></o:p></p>
<!--EndFragment-->
</body></html>"""

# Google Docs wraps everything in a <b> that is not bold, and marks emphasis with styles.
GOOGLE_DOCS_HTML = (
    '<meta charset="utf-8"><b style="font-weight:normal;" id="docs-internal-guid-5e1f2a3b">'
    '<p dir="ltr"><span style="font-weight:700;">Night buses</span><span> return on '
    '</span><span style="font-style:italic;">both</span><span> routes.</span></p>'
    '<ul><li dir="ltr"><p dir="ltr"><span>Every 30 minutes</span></p></li>'
    '<li dir="ltr"><p dir="ltr"><span>Until 2 am</span></p></li></ul></b>'
)

PASTE = """([selector, html]) => {
  const target = document.querySelector(selector);
  const data = new DataTransfer();
  data.setData("text/html", html);
  data.setData("text/plain", target.innerText);
  target.focus();
  target.dispatchEvent(new ClipboardEvent("paste", {clipboardData: data, bubbles: true,
                                                    cancelable: true}));
}"""


def editor_of(textarea: str) -> str:
    return f".prose-editor:has({textarea}) .ProseMirror[contenteditable=true]"


def test_typing_and_pasting_from_word_and_google_docs_saves_clean_html(
    browser, live_server, artifacts, _browser_settings
):
    writer_user = UserFactory(username="sam", role="Writers")
    briefing = complete_briefing(writer_user)
    Section.objects.filter(briefing=briefing).update(body="")
    Person.steps = 0
    writer = WatchedPerson(browser, live_server.url, artifacts, "writer")
    writer.open("/admin/login/")
    writer.log_in("sam")
    writer.open(f"/admin/briefings/briefing/{briefing.pk}/change/")
    assert "none has text yet" in writer.page.inner_text(".wf-checklist")
    # The editor stands in for the textarea, which it keeps up to date for the form.
    assert writer.page.locator("#id_sections-0-body").is_hidden()

    body = editor_of("#id_sections-0-body")
    writer.page.click(body)
    writer.page.keyboard.type("Fares are frozen for ")
    writer.page.keyboard.press("ControlOrMeta+b")
    writer.page.keyboard.type("another year")
    writer.page.keyboard.press("ControlOrMeta+b")
    writer.page.keyboard.type(".")
    writer.page.keyboard.press("Enter")
    # The live checklist hears the editor: the section has text now.
    writer.page.wait_for_function(
        "() => document.querySelectorAll('.wf-checklist .wf-missing').length === 0"
    )
    # The policy refuses the pasted document's own <style> while the editor reads the paste
    # (the browser says so on the console); the editor has no use for it.
    digest = base64.b64encode(hashlib.sha256(WORD_STYLE.encode()).digest()).decode()
    writer.expected_errors = (f"'sha256-{digest}'",)
    writer.page.evaluate(PASTE, [body, WORD_HTML])
    writer.page.wait_for_function(
        "() => document.querySelector('#id_sections-0-body').value.includes('Children ride')"
    )
    writer.shot("pasted-from-word")

    # A section added with "Add another Section" gets an editor too.
    writer.page.get_by_text("Add another Section").click()
    writer.page.fill("#id_sections-1-heading", "After dark")
    second = editor_of("#id_sections-1-body")
    writer.page.click(second)
    writer.page.evaluate(PASTE, [second, GOOGLE_DOCS_HTML])
    writer.page.wait_for_function(
        "() => document.querySelector('#id_sections-1-body').value.includes('Until 2 am')"
    )
    writer.shot("pasted-from-google-docs")
    # So does a new Q&A block's answer.
    writer.page.get_by_text("Add another Q&A block").click()
    writer.page.fill("#id_qa_blocks-0-question", "Who pays less?")
    writer.page.click(editor_of("#id_qa_blocks-0-answer"))
    writer.page.keyboard.type("Children: they ride free.")

    writer.page.click("input[name=_continue]")
    writer.page.wait_for_load_state()
    assert "was changed successfully" in writer.text()
    first, added = Section.objects.filter(briefing=briefing).order_by("position")
    assert first.body == (
        "<p>Fares are frozen for <strong>another year</strong>.</p>"
        "<h2>Why fares stay</h2>"
        "<p>The ferry company keeps <strong>single fares</strong> at <em>last year's</em> "
        'price, <a href="https://harbor.example/fares" rel="noopener">its notice says</a>.</p>'
        "<p>A second paragraph from Word.</p>"
        "<ul><li>Adults pay 3.20</li><li>Children ride free</li></ul>"
    ), first.body
    assert added.heading == "After dark"
    assert added.body == (
        "<p><strong>Night buses</strong> return on <em>both</em> routes.</p>"
        "<ul><li><p>Every 30 minutes</p></li><li><p>Until 2 am</p></li></ul>"
    ), added.body
    assert briefing.qa_blocks.get().answer == "<p>Children: they ride free.</p>"
    # Saved again, the page shows the list in the editor, as a list.
    assert writer.page.locator(f"{body} ul li").count() == 2
    writer.shot("saved")
    writer.check()


def test_submit_for_review_submits_the_body_just_typed_in_the_editor(
    browser, live_server, artifacts, _browser_settings
):
    briefing = complete_briefing(UserFactory(username="sam", role="Writers"))
    Person.steps = 0
    writer = WatchedPerson(browser, live_server.url, artifacts, "writer")
    writer.open("/admin/login/")
    writer.log_in("sam")
    writer.open(f"/admin/briefings/briefing/{briefing.pk}/change/")
    writer.write("#id_sections-0-body", "The body as the writer last typed it.")

    writer.click("Submit for review")

    assert "Your changes were saved. Submitted for review." in writer.text()
    briefing.refresh_from_db()
    assert briefing.status == Briefing.Status.IN_REVIEW
    assert briefing.sections.get().body == "<p>The body as the writer last typed it.</p>"
    writer.shot("submitted")
    writer.check()
