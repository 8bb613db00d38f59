"""The committee's decision form."""

from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length

from ..core.vocabulary import FinalOutcome

LABELS = {FinalOutcome.HIRE: "Hire", FinalOutcome.NO_HIRE: "No hire",
          FinalOutcome.HOLD: "Hold for more interviews"}


class DecisionForm(FlaskForm):
    """The final outcome and why."""

    final_outcome = RadioField(
        "Final decision", choices=[SelectChoice(o.value, LABELS[o]) for o in FinalOutcome],
        validators=[DataRequired(message="Choose the committee's decision.")])
    rationale = TextAreaField("Rationale", validators=[
        DataRequired(message="Say why the committee decided this."), Length(max=5000)])
