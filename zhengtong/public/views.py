"""Public pages of the public-user app (/grzx/): the captcha picture, and the helper
every public form view uses to send SMS codes."""

from django import forms
from django.forms.utils import ErrorDict
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from zhengtong.core.errors import DomainError, Message
from zhengtong.core.masking import mask_mobile
from zhengtong.core.throttle import throttled_response as throttled_response  # (re-export)
from zhengtong.core.validators import check_mobile

from . import captcha, sms
from .forms import PublicForm
from .throttle import Throttled


def _unvalidated(form: forms.BaseForm) -> None:
    # Django's own "not validated yet" state, which the stubs do not declare.
    if getattr(form, "_errors", None) is None:
        form._errors = ErrorDict()  # type: ignore[attr-defined]  # (see above)
        form.cleaned_data = {}


def add_unvalidated_error(form: forms.BaseForm, field: str | None, message: Message) -> None:
    """Add an error to a form that was not validated (only this error shows)."""
    _unvalidated(form)
    form.add_error(field if field in form.fields else None, message)


def send_code_if_asked(request: HttpRequest, form: PublicForm) -> bool:
    """If the POST pressed "send_sms_code": check captcha + mobile, send the SMS code
    (rate-limited), add a message, and return True — the view then re-renders the form
    (bound, so nothing typed is lost). Otherwise return False.

    Pressing "new_captcha" (换一张, the no-JavaScript way to get another picture) also
    returns True: the form is re-rendered with a new picture and nothing checked."""
    if request.method != "POST" or not form.is_bound:
        return False
    if "new_captcha" in request.POST:
        _unvalidated(form)
        return True
    if "send_sms_code" not in request.POST or "mobile" not in form.fields:
        return False
    # Re-rendered without validation: only the errors added here show.
    _unvalidated(form)
    raw = form.data.get(form.add_prefix("mobile"), "")
    try:
        mobile = check_mobile(raw)
    except Exception:
        add_unvalidated_error(form, "mobile", _("Enter a valid mobile number."))
        return True
    if not form.check_captcha():
        add_unvalidated_error(
            form,
            "captcha_answer",
            _("The characters do not match the picture. Enter those of the new picture."),
        )
        return True
    try:
        sms.send_code(mobile, form.sms_purpose or "", request=request)
    except Throttled as exc:
        add_unvalidated_error(form, "sms_code", str(exc.message))
        form.throttled = True
        return True
    except DomainError as exc:
        add_unvalidated_error(form, exc.field or "mobile", str(exc.message))
        return True
    form.mark_human()
    if "captcha_answer" in form.fields:
        del form.fields["captcha_answer"]
    form.sms_notice = _("A code was sent to %(mobile)s. It is valid for 10 minutes.") % {
        "mobile": mask_mobile(mobile)
    }
    demo_code = sms.code_to_show_on_screen(mobile)
    if demo_code:
        form.sms_notice += " " + _("Demonstration: no SMS is sent; the code is %(code)s.") % {
            "code": demo_code
        }
    return True


@never_cache
@require_safe
def captcha_picture(request: HttpRequest, token: str) -> HttpResponse:
    """The PNG of a live challenge (never stored by a cache: it is one visitor's)."""
    data = captcha.picture(token)
    if data is None:
        raise Http404()
    return HttpResponse(data, content_type="image/png")


@never_cache
@require_safe
def captcha_audio(request: HttpRequest, token: str) -> HttpResponse:
    """The same challenge spoken, as a WAV (for people who cannot read the picture)."""
    data = captcha.audio(token)
    if data is None:
        raise Http404()
    return HttpResponse(data, content_type="audio/wav")
