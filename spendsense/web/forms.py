"""Flask-WTF forms. They check the shape of input only; every rule lives in a service,
whose Invalid errors are put back on these fields by helpers.apply_errors."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    FieldList,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, EqualTo, InputRequired, Length, NumberRange, Optional

from spendsense.models import ACCOUNT_TYPES

try:  # WTForms 3.3 deprecates (value, label) tuples as declared choices
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - older WTForms
    SelectChoice = None


def options(pairs):
    """Declared choices in the form this WTForms version wants."""
    return [SelectChoice(value, label) if SelectChoice else (value, label) for value, label in pairs]


ACCOUNT_TYPE_LABELS = {
    "bank": "Bank account", "credits": "Credit card", "cash": "Cash", "stocks": "Investments",
    "mortgage": "Mortgage", "loans": "Loan", "vehicle": "Vehicle", "property": "Property",
    "insurance": "Insurance", "other_asset": "Other asset", "other_liability": "Other liability",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")


class ConfirmForm(FlaskForm):
    """No fields: a POST that carries only the CSRF token (delete, log out, revoke)."""


class RegisterForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=150)])
    email = StringField("Email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField("Repeat password",
                            validators=[DataRequired(), EqualTo("password", "The passwords do not match.")])


class LoginForm(FlaskForm):
    username = StringField("Username or email", validators=[DataRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=1024)])
    remember = BooleanField("Keep me logged in")
    next = HiddenField()


class PasswordForm(FlaskForm):
    current_password = PasswordField("Current password", validators=[DataRequired()])
    new_password = PasswordField("New password", validators=[DataRequired(), Length(max=1024)])
    confirm = PasswordField("Repeat new password",
                            validators=[DataRequired(), EqualTo("new_password", "The passwords do not match.")])
    error_aliases = {"password": "new_password"}


class SettingsForm(FlaskForm):
    base_currency = SelectField("Base currency")
    timezone = SelectField("Time zone")
    week_start = SelectField("Week starts on", choices=options((str(i), day) for i, day in enumerate(WEEKDAYS)))


class AccountForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    type = SelectField("Type", choices=options((t, ACCOUNT_TYPE_LABELS[t]) for t in ACCOUNT_TYPES))
    currency = SelectField("Currency")
    opening_balance = StringField("Opening balance", default="0", validators=[Optional(), Length(max=40)])
    is_net_worth = BooleanField("Count in net worth", default=True)
    next = HiddenField()


class AccountDeleteForm(FlaskForm):
    delete_transactions = BooleanField("Also delete all its transactions")


class TransactionForm(FlaskForm):
    kind = RadioField("Type", choices=options([("spent", "Expense"), ("earn", "Income")]), default="spent")
    amount = StringField("Amount", validators=[DataRequired(), Length(max=40)])
    account_id = SelectField("Account", validators=[InputRequired()])
    category_id = RadioField("Category", validate_choice=False)
    date = DateField("Date", validators=[InputRequired()])  # keeps "Not a valid date value."
    description = StringField("Description", validators=[Optional(), Length(max=500)])
    labels = StringField("Labels", validators=[Optional(), Length(max=500)],
                         description="Separate labels with spaces or commas.")
    next = HiddenField()
    error_aliases = {"account": "account_id", "category": "category_id", "occurred_at": "date"}


class TransferForm(FlaskForm):
    from_account_id = SelectField("From", validators=[InputRequired()])
    to_account_id = SelectField("To", validators=[InputRequired()])
    amount = StringField("Amount sent", validators=[DataRequired(), Length(max=40)])
    to_amount = StringField("Amount received", validators=[Optional(), Length(max=40)],
                            description="Only when the accounts use different currencies.")
    date = DateField("Date", validators=[InputRequired()])  # keeps "Not a valid date value."
    description = StringField("Description", validators=[Optional(), Length(max=500)])
    next = HiddenField()
    error_aliases = {"from_account": "from_account_id", "to_account": "to_account_id",
                     "counter_amount": "to_amount", "occurred_at": "date"}


class CategoryForm(FlaskForm):
    name = StringField("Name", validators=[DataRequired(), Length(max=100)])
    icon = StringField("Icon", validators=[DataRequired(), Length(max=32)])
    kind = RadioField("Type", choices=options([("spent", "Expense"), ("earn", "Income")]), default="spent")
    # Choices (the same kind's categories) are set by the view; "" = top level.
    parent_id = SelectField("Inside", default="")
    # Money the other way (a refund into an expense category, a deduction from an
    # income one) is recorded in it and counted off its total, instead of refused.
    refunds = BooleanField("Takes refunds", description="An expense category then takes money back in (a refund, "
                           "counted off its spending in budgets); an income category takes deductions.")
    error_aliases = {"type": "kind", "parent": "parent_id", "refund_behaviour": "refunds"}


class CategoryDeleteForm(FlaskForm):
    # Choices (the other categories of the same kind) are set by the view; "" = none.
    move_to = SelectField("Move its transactions to", default="")


class TokenForm(FlaskForm):
    name = StringField("Token name", validators=[DataRequired(), Length(max=100)])
    # One per rendered form (web/profile.py): the same form posted twice makes one key.
    nonce = HiddenField(validators=[DataRequired(message="The form is out of date: make the key again."),
                                    Length(max=64)])


COLUMN_ROLES = (("ignore", "Ignore"), ("date", "Date"), ("amount", "Amount (signed)"),
                ("debit", "Debit (money out)"), ("credit", "Credit (money in)"), ("payee", "Payee"),
                ("description", "Description"), ("memo", "Memo"), ("category", "Category"),
                ("external_id", "Bank id / reference"), ("balance", "Balance"), ("currency", "Currency"))
ENCODINGS = (("utf-8", "UTF-8"), ("utf-8-sig", "UTF-8 with BOM"), ("utf-16", "UTF-16"),
             ("cp1252", "Windows-1252 (Western)"), ("cp1251", "Windows-1251 (Cyrillic)"),
             ("latin-1", "ISO-8859-1 (Latin-1)"))
DELIMITER_CHOICES = ((";", "Semicolon ;"), (",", "Comma ,"), ("\t", "Tab"), ("|", "Bar |"))
DECIMAL_CHOICES = ((".", "Point: 1,234.56"), (",", "Comma: 1.234,56"))
DATE_FORMATS = (("%Y-%m-%d", "2024-12-31"), ("%d.%m.%Y", "31.12.2024"), ("%d/%m/%Y", "31/12/2024 (day first)"),
                ("%m/%d/%Y", "12/31/2024 (month first)"), ("%d-%m-%Y", "31-12-2024"), ("%m-%d-%Y", "12-31-2024"),
                ("%d.%m.%y", "31.12.24"), ("%d/%m/%y", "31/12/24 (day first)"), ("%m/%d/%y", "12/31/24 (month first)"),
                ("%Y/%m/%d", "2024/12/31"), ("%Y.%m.%d", "2024.12.31"), ("%Y%m%d", "20241231"),
                ("%d %b %Y", "31 Dec 2024"), ("%d-%b-%Y", "31-Dec-2024"), ("%b %d, %Y", "Dec 31, 2024"),
                ("%d %B %Y", "31 December 2024"))
DATE_ORDER_CHOICES = (("dmy", "Day first (31/12)"), ("mdy", "Month first (12/31)"))


class ImportUploadForm(FlaskForm):
    file = FileField("Statement file", validators=[FileRequired("Choose a file to import.")],
                     description="OFX/QFX, QIF, CSV, CAMT.053 XML, or a SpendSense CSV/JSON export.")
    # Choices (the ledger's open accounts) are set by the view; "" = a new account from the file.
    account_id = SelectField("Into account", default="")
    error_aliases = {"account": "account_id"}


class ImportMappingForm(FlaskForm):
    encoding = SelectField("Encoding", choices=options(ENCODINGS))
    delimiter = SelectField("Delimiter", choices=options(DELIMITER_CHOICES))
    decimal = SelectField("Decimal mark", choices=options(DECIMAL_CHOICES))
    # Choices are DATE_FORMATS plus the detected format when it is another one.
    date_format = SelectField("Date format")
    date_order = RadioField("The dates read both ways", choices=options(DATE_ORDER_CHOICES),
                            validators=[Optional()])
    header_line = IntegerField("Header row (line)", validators=[InputRequired(), NumberRange(min=1, max=1000)])
    columns = FieldList(SelectField("Column", choices=options(COLUMN_ROLES)), min_entries=0, max_entries=200)
    remember = BooleanField("Remember this mapping as a profile")
    profile_name = StringField("Profile name", validators=[Optional(), Length(max=100)])


class ImportDateOrderForm(FlaskForm):
    date_order = RadioField("How are the dates written?", choices=options(DATE_ORDER_CHOICES),
                            validators=[InputRequired("Choose day first or month first.")])


class ImportConfirmForm(FlaskForm):
    name = StringField("Name of this import", validators=[Optional(), Length(max=200)])
