"""The admin's rich-text editor: django-prose-editor (ProseMirror/Tiptap), offering exactly
what ``newsroom.sanitize`` keeps.

Only the widget is the library's; the model field stays ``RichTextField``, so whatever the
browser sends is still cleaned by the sanitizer on save.
"""

from django_prose_editor.widgets import AdminProseEditorWidget

# Paragraphs, text and undo come with every editor. Each entry here adds tags that are in
# ALLOWED_TAGS; tests/newsroom/test_widgets.py checks the two lists stay the same.
EDITOR_EXTENSIONS = {
    "Heading": {"levels": [2, 3, 4]},
    "Bold": True,
    "Italic": True,
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
    # Links open in the same tab. Which schemes a link may use is the sanitizer's call.
    "Link": {"enableTarget": False},
}


class RichTextEditor(AdminProseEditorWidget):
    """A textarea that the editor replaces in the browser; without JavaScript it stays one."""

    def __init__(self, attrs=None):
        super().__init__(
            attrs=attrs, config={"extensions": EDITOR_EXTENSIONS}, preset="configurable"
        )
