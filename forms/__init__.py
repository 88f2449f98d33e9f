"""WTForms classes, one module per blueprint, plus the base forms and the few field types they share."""
from flask_wtf import FlaskForm
from wtforms import DateField, DecimalField, Form, SelectField, StringField
from wtforms.meta import DefaultMeta
from wtforms.validators import StopValidation

from services.values import EARLIEST, LATEST, whole_number

REQUIRED = "此项必填。"


def _text(value):
    """A text field's value: "" rather than None when the field was left out of the post."""
    return "" if value is None else value


class _AppMeta:
    locales = ("zh",)

    def get_translations(self, form):
        """WTForms' own messages (不是有效的选项, …) in Chinese, from the catalogue it ships (no Flask-Babel here)."""
        return DefaultMeta.get_translations(self, form)

    def bind_field(self, form, unbound_field, options):
        """A text field left out of the post reads as "" (control characters are gone already: app.CleanedRequest)."""
        if not issubclass(unbound_field.field_class, StringField):
            return unbound_field.bind(form=form, **options)
        filters = (_text, *unbound_field.kwargs.get("filters", ()))
        return unbound_field.bind(form=form, **{**options, "filters": filters})


class AppForm(FlaskForm):
    """The base of every form posted to the app (CSRF from Flask-WTF, messages in Chinese)."""

    Meta = _AppMeta


class RowForm(Form):
    """The base of a repeated row inside an AppForm (a FormField of a FieldList)."""

    Meta = _AppMeta


def choice_id(value):
    """A select's coerce for ids: anything that is not an id an INTEGER column holds reads as 0, the 请选择 choice."""
    return whole_number(value) or 0


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
        if not EARLIEST <= self.data <= LATEST:
            self.data = None
            raise ValueError(f"日期“{valuelist[0]}”超出范围（{EARLIEST} 至 {LATEST}）。")


class MoneyField(DecimalField):
    """An amount in yuan: a finite number (never NaN or Infinity), with its parse error in Chinese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
            finite = self.data is None or self.data.is_finite()
        except ValueError:
            finite = False
        if not finite:
            self.data = None
            raise ValueError(f"金额“{valuelist[0][:20]}”不是有效的数字，请填写如 300 或 300.00。")


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
