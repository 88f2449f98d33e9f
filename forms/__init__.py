"""WTForms classes, one module per blueprint, plus the few field types they share."""
from wtforms import DateField, SelectField
from wtforms.validators import StopValidation

REQUIRED = "此项必填。"


class ChineseDateField(DateField):
    """A date input (YYYY-MM-DD) whose parse error is in Chinese."""

    def __init__(self, label=None, validators=None, **kwargs):
        kwargs.setdefault("render_kw", {"type": "date"})
        super().__init__(label, validators, format="%Y-%m-%d", **kwargs)

    def pre_validate(self, form):
        """An unreadable date reports only that (not also 此项必填)."""
        if self.process_errors:
            raise StopValidation()

    def process_formdata(self, valuelist):
        if not "".join(valuelist).strip():
            self.data = None  # blank: the field's own validators say whether it is required
            return
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(f"日期“{valuelist[0]}”无效，请按 年-月-日（如 2020-09-01）填写。") from None


def enum_select(label, enum, blank=None, **kwargs):
    """A select of a LabeledEnum's members (value → label), optionally with a blank first choice."""
    choices = ([("", blank)] if blank else []) + enum.choices()
    return SelectField(label, choices=choices, **kwargs)


def add_error(form, field_name, message):
    """Show a service-level refusal next to its field (or at the top of the form when it has none)."""
    field = getattr(form, field_name or "", None)
    if field is None:
        form.form_errors.append(message)
    else:
        field.errors = [*field.errors, message]
