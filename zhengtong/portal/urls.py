"""Public paths of the website that are not pages of the tree: search, feeds, sitemap,
robots.txt, the elderly-mode switch. (Pages themselves are served by Wagtail.)"""


urlpatterns = []
