"""A tiny public form for the contract tests (how another app uses PublicForm)."""

from django import forms
from django.http import HttpResponse
from django.template import RequestContext, Template
from django.urls import include, path
from django.views.decorators.cache import never_cache

from zhengtong.public.forms import PublicForm
from zhengtong.public.views import send_code_if_asked

PAGE = Template(
    '<form method="post">{% csrf_token %}'
    "{% for field in form.own_fields %}{{ field.label_tag }}{{ field }}{{ field.errors }}"
    "{% endfor %}{{ form.non_field_errors }}"
    '{% include "public/human_check.html" %}<button type="submit">Send</button></form>'
)


class NoteForm(PublicForm):
    sms_purpose = "note"
    text = forms.CharField(max_length=100)


class PlainForm(PublicForm):
    text = forms.CharField(max_length=100)


STORED = []


def _view(form_class):
    @never_cache
    def view(request):
        form = form_class(request.POST or None, request=request)
        if request.method == "POST" and not send_code_if_asked(request, form):
            if form.is_valid():
                if form.is_spam():
                    return HttpResponse("thanks")
                STORED.append(form.cleaned_data)
                return HttpResponse("stored")
        return HttpResponse(PAGE.render(RequestContext(request, {"form": form})))

    return view


urlpatterns = [
    path("note/", _view(NoteForm)),
    path("plain/", _view(PlainForm)),
    path("grzx/", include("zhengtong.public.urls_public")),
    path("", include("zhengtong.urls")),
]
