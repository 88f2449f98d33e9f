"""评审工作计划: the administrator's plan form."""
import re

from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from forms import REQUIRED, AppForm, ChineseDateField, RowForm, choice_id, enum_select
from models import Level
from services import scoring
from services.checklist import KINDS

YEAR_SEPARATORS = re.compile(r"[,，、\s]+")
MAX_EDUCATION_YEARS = 6  # ReviewPlan.education_years holds 32 characters
BLANK_RUBRIC_ROWS = 3  # empty rows under the rubric's items, for new ones


class ChineseIntegerField(IntegerField):
    """An integer input whose parse error is in Chinese."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(f"“{valuelist[0]}”不是整数。") from None


class CheckboxesField(SelectMultipleField):
    """A group of checkboxes; none ticked is an empty list."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RubricRowForm(RowForm):
    """One 自评细则 item as typed; services/scoring.from_rows reads and checks the rows together."""

    key = HiddenField()
    group = StringField("分组")
    label = StringField("条目")
    unit = StringField("计量单位")
    points = StringField("每单位分值")
    cap = StringField("上限")


def parse_years(text):
    """"2024,2025" (also ，、 or spaces) → [2024, 2025]; ValueError names the first entry that is not a 4-digit year."""
    years = []
    for part in YEAR_SEPARATORS.split((text or "").strip()):
        if not part:
            continue
        if not re.fullmatch(r"\d{4}", part):
            raise ValueError(f"“{part}”不是4位年份。请填写年份，多个年份用逗号分隔，如 2024,2025。")
        years.append(int(part))
    return sorted(set(years))


class PlanForm(AppForm):
    title = StringField("计划名称", validators=[DataRequired(REQUIRED), Length(max=200)],
                        description="如：2020年度建设工程专业高级工程师职务任职资格评审工作计划")
    year = ChineseIntegerField("年度", validators=[InputRequired(REQUIRED),
                                                 NumberRange(2000, 2099, "年度须为 2000–2099 之间的4位年份。")])
    level = enum_select("级别", Level, validators=[DataRequired(REQUIRED)],
                        description="中级评审工程师，高级评审高级工程师。")
    opens_on = ChineseDateField("申报开始日期", validators=[DataRequired(REQUIRED)])
    closes_on = ChineseDateField("申报截止日期", validators=[DataRequired(REQUIRED)], description="开始和截止当天均可申报。")
    requirements = TextAreaField("申报要求", validators=[Optional(), Length(max=20000)], render_kw={"rows": 8})
    committees = CheckboxesField("受理评审委员会", coerce=choice_id,
                                 description="高级计划：专业类别1的申报人员经其中的中评委推荐（中推高）。")
    senior_committee = SelectField("评审的高评委（高级计划）", coerce=choice_id, validate_choice=False,
                                   description="高级计划的申报由该高评委评审，并作为“受理评审委员会”显示在各页面和文书上。")
    professions = CheckboxesField("可评审专业", coerce=choice_id)
    attachments = CheckboxesField("须上传的附件", choices=list(KINDS.items()),
                                  description="申报人在第5步按本人情况上传其中适用的附件。")
    education_years = StringField("核查继续教育的年度",
                                  description="4位年份，多个年份用逗号分隔，如 2024,2025。")
    rubric = FieldList(FormField(RubricRowForm), "自评细则",
                       description="自评申报的计分办法：每个条目按申报数量 × 每单位分值计分，不超过上限。分组相同的条目归为一组；"
                                   "清空一行即删除该条目。")
    pass_mark = ChineseIntegerField("自评申报及格分", default=scoring.DEFAULT_PASS_MARK,
                                    validators=[InputRequired(REQUIRED), NumberRange(1, 999, "及格分须为 1–999 之间的整数。")])

    has_interviews = BooleanField("设面试", description="面试对象的评审表须打印 4 份（其余 3 份）；评委会办公室标记面试对象。")

    def validate_closes_on(self, field):
        opens, closes = self.opens_on.data, field.data
        if opens and closes and closes < opens:
            raise ValidationError(f"申报截止日期（{closes}）不能早于申报开始日期（{opens}）。")

    def validate_committees(self, field):
        if not field.data:
            raise ValidationError("请至少选择一个受理评审委员会。")

    def validate_senior_committee(self, field):
        if self.level.data == Level.SENIOR.value and not field.data:
            raise ValidationError("高级评审工作计划须选择评审的高评委。")

    def validate_professions(self, field):
        if not field.data:
            raise ValidationError("请至少选择一个可评审专业。")

    def validate_education_years(self, field):
        try:
            years = parse_years(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from None
        if len(years) > MAX_EDUCATION_YEARS:
            raise ValidationError(f"最多核查 {MAX_EDUCATION_YEARS} 个年度。")
        if not years and "education" in (self.attachments.data or []):
            raise ValidationError(f"要求上传“{KINDS['education']}”时，须填写核查的年度。")

    def validate_rubric(self, field):
        try:
            self.parsed_rubric = scoring.from_rows(field.data)
        except scoring.RubricError as error:
            for number, name, message in error.problems:
                if number is not None:
                    field[number - 1][name].errors.append(message)
            raise ValidationError(str(error)) from None

    def validate_pass_mark(self, field):
        rubric = getattr(self, "parsed_rubric", None)
        if rubric is not None and field.data and scoring.maximum(rubric) < field.data:
            raise ValidationError(f"自评细则满分 {scoring.maximum(rubric)} 分，低于及格分 {field.data} 分，无人能以自评申报。")

    def show_rubric(self, rubric):
        """The rubric's items as rows, then empty rows for new items."""
        while self.rubric.entries:
            self.rubric.pop_entry()
        for row in scoring.rows(rubric):
            self.rubric.append_entry(row)
        self.add_blank_rubric_rows()

    def add_blank_rubric_rows(self):
        while self.rubric.entries and not any((value or "").strip() for name, value in self.rubric.entries[-1].data.items()
                                              if name != "key"):
            self.rubric.pop_entry()
        for _ in range(BLANK_RUBRIC_ROWS):
            self.rubric.append_entry()

    @property
    def education_years_value(self):
        return ",".join(str(y) for y in parse_years(self.education_years.data))

    @property
    def rubric_value(self):
        """The rubric as stored (JSON; services/scoring reads it)."""
        return scoring.to_json(self.parsed_rubric)
