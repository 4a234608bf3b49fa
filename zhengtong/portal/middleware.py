"""The Wagtail editor's content security policy under /cms/ (to be written)."""


class CmsContentSecurityPolicy:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)
