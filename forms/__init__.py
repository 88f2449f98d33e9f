"""WTForms classes, one module per blueprint."""

REQUIRED = "此项必填。"


def add_error(form, field_name, message):
    """Show a service-level refusal next to its field (or at the top of the form when it has none)."""
    field = getattr(form, field_name or "", None)
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]
