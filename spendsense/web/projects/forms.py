"""Forms of the shared-bill pages. Shape only: every rule is in the services, whose
Invalid errors land back on these fields through helpers.apply_errors."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from spendsense.web.forms import options

BILL_TYPE_CHOICES = (("Expense", "Expense"), ("Reimbursement", "Reimbursement"))


class ProjectCreateForm(FlaskForm):
    name = StringField("Project name", validators=[DataRequired(), Length(max=100)])
    id = StringField("Project identifier", validators=[Optional(), Length(max=200)],
                     description="Used in links; made from the name when left empty.")
    password = PasswordField("Private code", validators=[DataRequired(), Length(max=1024)])
    contact_email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    default_currency = SelectField("Default currency")


class ProjectLoginForm(FlaskForm):
    id = StringField("Project identifier", validators=[DataRequired(), Length(max=200)])
    password = PasswordField("Private code", validators=[DataRequired(), Length(max=1024)])
    next = HiddenField()


class ProjectSettingsForm(FlaskForm):
    name = StringField("Project name", validators=[DataRequired(), Length(max=100)])
    contact_email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    default_currency = SelectField("Default currency")
    history_enabled = BooleanField("Keep a history of changes")
    password = PasswordField("New private code", validators=[Optional(), Length(max=1024)],
                             description=("Leave empty to keep the current code. A new code ends every invitation "
                                          "link and lets out every other browser that used the old one."))
    current_password = PasswordField("Current private code", validators=[DataRequired(), Length(max=1024)])


class MemberForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    weight = StringField("Weight", default="1", validators=[Optional(), Length(max=20)],
                         description="Shares are split in proportion to weights (2 counts double).")


class BillForm(FlaskForm):
    date = StringField("When?", validators=[DataRequired(), Length(max=10)])
    what = StringField("What?", validators=[DataRequired(), Length(max=300)])
    payer = SelectField("Who paid?")
    amount = StringField("How much?", validators=[DataRequired(), Length(max=200)],
                         description="A calculation works too: 12.5+3*2")
    original_currency = SelectField("Currency")
    payed_for = SelectMultipleField("For whom?")
    bill_type = SelectField("Bill type", choices=options(BILL_TYPE_CHOICES), default="Expense")
    external_link = StringField("External link", validators=[Optional(), Length(max=2048)])
    error_aliases = {"payer_id": "payer", "owers": "payed_for"}


class ImportForm(FlaskForm):
    file = FileField("JSON or CSV file", validators=[FileRequired("Choose a file to import.")])


class LinkForm(FlaskForm):
    member = SelectField("I am")


class RecordForm(FlaskForm):
    record = BooleanField("Record my share of each expense in my ledger")
    account = SelectField("Account", validators=[Optional()])
    category = SelectField("Category", validators=[Optional()])


class SettlementForm(FlaskForm):
    ower = HiddenField(validators=[DataRequired()])
    receiver = HiddenField(validators=[DataRequired()])
    amount = HiddenField(validators=[DataRequired()])
