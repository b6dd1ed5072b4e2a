from django.db import models

from .sanitize import sanitize_html


class SanitizedHTML(str):
    """Text that has already been through the sanitizer (or came from the database)."""


class RichTextField(models.TextField):
    """A text field whose HTML is sanitized with the house allowlist whenever it is saved.

    ``pre_save`` cleans the value on the instance (admin, forms, shell); ``get_prep_value``
    cleans anything that reaches the database another way (fixtures, ``update()``,
    ``bulk_create``). Values read back from the database are known to be clean.
    """

    def pre_save(self, model_instance, add):
        value = getattr(model_instance, self.attname)
        if value is not None and not isinstance(value, SanitizedHTML):
            value = SanitizedHTML(sanitize_html(value))
            setattr(model_instance, self.attname, value)
        return value

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or isinstance(value, SanitizedHTML):
            return value
        return SanitizedHTML(sanitize_html(value))

    def from_db_value(self, value, expression, connection):
        return None if value is None else SanitizedHTML(value)
