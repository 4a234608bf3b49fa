"""Template filters that mask personal data on display (docs/conformance.md SEC-16).

    {% load masking %}
    {{ applicant.citizen_id|mask_id }}   -> 3201**********1234
    {{ applicant.mobile|mask_phone }}    -> 138****5678
    {{ applicant.name|mask_name }}       -> 张**
    {{ reply.body|mask_text }}           -> ID and mobile numbers inside the text masked

Masking only replaces characters with "*", so a value that was marked safe stays safe
(`is_safe=True`); anything else is escaped as usual.
"""

from django import template

from zhengtong.core import masking

register = template.Library()


@register.filter(is_safe=True)
def mask_id(value: object) -> str:
    """Mask a citizen ID number: first 4 and last 4 characters kept."""
    return masking.mask_citizen_id(value)


@register.filter(is_safe=True)
def mask_phone(value: object) -> str:
    """Mask a mobile (138****5678) or landline (0551-****5678) number."""
    return masking.mask_phone(value)


@register.filter(is_safe=True)
def mask_name(value: object) -> str:
    """Mask a personal name: first character kept."""
    return masking.mask_name(value)


@register.filter(is_safe=True)
def mask_text(value: object) -> str:
    """Mask every citizen ID and mobile number found inside a text."""
    return masking.mask_text(value)
