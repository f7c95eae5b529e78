"""Crisis guidance shown to a patient at once when PHQ-9 item 9 is above 0.

Source: PHQ-9 item 9 > 0 calls for a safety assessment (instruments.md 6); the belimumab label
asks patients to report new or worsening depression or suicidal thoughts at once (S15i).
The wording is general (not country-specific advice) and names emergency numbers only as
examples; the care team is alerted separately (alert ``phq9.item9``, severity urgent).
"""

from __future__ import annotations

__all__ = ["CRISIS_GUIDANCE", "needs_crisis_guidance"]

CRISIS_GUIDANCE = (
    "You told us you have had thoughts that you would be better off dead or of hurting "
    "yourself. Your care team has been alerted and will contact you. If you are in danger "
    "now or might act on these thoughts, call your local emergency number (for example 112 "
    "in Europe or 911 in the US) or a crisis line (for example 988 in the US) right away, "
    "or go to the nearest emergency department. You do not have to wait for us."
)


def needs_crisis_guidance(answers: tuple[int, ...]) -> bool:
    """True when PHQ-9 item 9 (the ninth answer) is above 0."""
    return len(answers) == 9 and answers[8] > 0
