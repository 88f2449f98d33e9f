from flask_wtf.file import MultipleFileField
from wtforms import BooleanField, FieldList, FormField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from forms import REQUIRED, AppForm, ChineseDateField, RowForm, choice_id, enum_select
from models import AchievementKind, Degree, Education


# Dates use InputRequired: DataRequired would replace "日期…无效" with "此项必填" for a date that does not exist.
class EducationRow(RowForm):
    education = enum_select("学历", Education, validators=[DataRequired(REQUIRED)])
    degree = enum_select("学位", Degree)
    school = StringField("毕业院校", validators=[DataRequired(REQUIRED), Length(max=100)])
    major = StringField("所学专业", validators=[DataRequired(REQUIRED), Length(max=100)])
    graduated_on = ChineseDateField("毕业时间", validators=[InputRequired(REQUIRED)])
    verifiable_on_chsi = BooleanField("学信网可查询", default=True)
    remove = BooleanField("删除此行")


class TitleRow(RowForm):
    name = StringField("现专业技术职务资格", validators=[DataRequired(REQUIRED), Length(max=60)],
                       description="如：助理工程师、工程师")
    profession = StringField("专业", validators=[Optional(), Length(max=60)])
    obtained_on = ChineseDateField("取得时间", validators=[InputRequired(REQUIRED)])
    remove = BooleanField("删除此行")


class ProfileForm(AppForm):
    """个人基本信息. Name, 身份证号, gender and birth date come from registration and are shown read-only."""

    work_started_on = ChineseDateField("从事工程技术工作起始时间", validators=[InputRequired(REQUIRED)],
                                       description="专业工作年限由此按实足年数自动计算。")
    organisation = SelectField("现工作单位", coerce=choice_id, validate_choice=False,
                               description="只能选择已注册并经平台审核通过的单位；没有本单位时请联系单位人事负责人注册。")
    education = FieldList(FormField(EducationRow), min_entries=1)
    titles = FieldList(FormField(TitleRow), min_entries=0)


# Per kind: the label of each common column, and the kind's own fields kept in Achievement.details.
KIND_LABELS = {
    AchievementKind.PROJECT: {"title": "项目名称", "role_in": "本人角色", "started_on": "开始时间", "ended_on": "结束时间",
                              "scale": "规模或投资额", "description": "项目简介及本人承担的工作"},
    AchievementKind.PAPER: {"title": "论文或著作名称", "role_in": "本人排名", "started_on": "发表或出版时间",
                            "description": "内容摘要"},
    AchievementKind.AWARD: {"title": "获奖项目名称", "role_in": "本人排名", "started_on": "获奖时间", "description": "说明"},
    AchievementKind.PATENT: {"title": "专利名称", "role_in": "本人排名", "started_on": "授权时间", "description": "说明"},
    AchievementKind.STANDARD: {"title": "标准或规范名称", "role_in": "本人排名", "started_on": "发布时间",
                               "description": "说明"},
    AchievementKind.OTHER: {"title": "名称", "role_in": "本人角色", "started_on": "时间", "description": "说明"},
}
DETAIL_FIELDS = {
    AchievementKind.PAPER: {"publication": "刊物或出版社", "serial": "刊号或书号（ISSN / CN / ISBN）"},
    AchievementKind.AWARD: {"award_name": "奖项名称", "grade": "奖项等级", "issuer": "授奖单位"},
    AchievementKind.PATENT: {"patent_type": "专利类型（发明 / 实用新型 / 外观设计）", "patent_number": "专利号"},
    AchievementKind.STANDARD: {"standard_number": "标准编号", "standard_level": "标准级别（国家 / 行业 / 地方 / 团体 / 企业）"},
}


def achievement_form(kind, **kwargs):
    """A form with exactly the fields of this kind of achievement, labelled for it."""
    labels = KIND_LABELS[kind]

    class AchievementForm(AppForm):
        title = StringField(labels["title"], validators=[DataRequired(REQUIRED), Length(max=200)])
        role_in = StringField(labels["role_in"], validators=[Optional(), Length(max=60)])
        started_on = ChineseDateField(labels["started_on"], validators=[Optional()])
        description = TextAreaField(labels["description"], validators=[Optional(), Length(max=4000)])
        files = MultipleFileField("附件", description="PDF、JPEG 或 PNG，每个不超过 20 MB；可多选。")

    if kind == AchievementKind.PROJECT:
        AchievementForm.ended_on = ChineseDateField(labels["ended_on"], validators=[Optional()])
        AchievementForm.scale = StringField(labels["scale"], validators=[Optional(), Length(max=100)])
        AchievementForm.is_collective = BooleanField("集体项目", description="集体项目在申报时须提供本人系主要贡献者的依据。")
    for name, label in DETAIL_FIELDS.get(kind, {}).items():
        setattr(AchievementForm, name, StringField(label, validators=[Optional(), Length(max=100)]))
    return AchievementForm(**kwargs)
