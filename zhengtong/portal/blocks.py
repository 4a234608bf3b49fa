"""The blocks an editor may put in a page body: only what the public pages can show
safely and accessibly. No embeds from other sites; video is our own mp4 with a poster."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.documents.blocks import DocumentChooserBlock
from wagtail.images.blocks import ImageBlock, ImageChooserBlock

# Rich text: headings, emphasis, lists, links. Wagtail keeps only these elements
# (its whitelist rewrites everything else), so pasted markup cannot break the page.
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link", "document-link"]


class FigureBlock(blocks.StructBlock):
    """One image with its description (alt text, required unless decorative) and caption."""

    image = ImageBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=200)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "portal/blocks/figure.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=100)
    images = blocks.ListBlock(FigureBlock(), label=_("Images"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Photo gallery")
        template = "portal/blocks/gallery.html"


class VideoBlock(blocks.StructBlock):
    """An mp4 from the county's own document library with a poster image, played by the
    browser's own player (no third-party player or host)."""

    video = DocumentChooserBlock(label=_("Video file (mp4)"))
    poster = ImageChooserBlock(label=_("Poster image"))
    title = blocks.CharBlock(label=_("Title"), max_length=100)
    transcript = blocks.TextBlock(
        label=_("Text description"),
        required=False,
        help_text=_("What the video shows, for those who cannot watch it."),
    )

    class Meta:
        icon = "media"
        label = _("Video")
        template = "portal/blocks/video.html"


class AttachmentsBlock(blocks.StructBlock):
    files = blocks.ListBlock(DocumentChooserBlock(label=_("File")), label=_("Files"), min_num=1)

    class Meta:
        icon = "doc-full"
        label = _("Attachments")
        template = "portal/blocks/attachments.html"


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=RICH_TEXT_FEATURES, label=_("Text"))
    figure = FigureBlock()
    gallery = GalleryBlock()
    video = VideoBlock()
    table = TableBlock(label=_("Table"), template="portal/blocks/table.html")
    attachments = AttachmentsBlock()

    class Meta:
        label = _("Body")
