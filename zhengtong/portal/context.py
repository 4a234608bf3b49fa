"""What each page type shows beyond its own fields (to be written)."""


def for_page(page, request, context):
    return context
