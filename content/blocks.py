"""StreamField blocks shared by the page types."""

from wagtail import blocks
from wagtail.images.blocks import ImageBlock


class CallToActionBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock(required=False)
    button_label = blocks.CharBlock(max_length=60)
    button_url = blocks.CharBlock(max_length=300, help_text="A path on this site or a full URL.")

    class Meta:
        icon = "pick"
        template = "content/blocks/call_to_action.html"


class FeatureBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=120)
    text = blocks.TextBlock()
    link = blocks.CharBlock(max_length=300, required=False)

    class Meta:
        icon = "list-ul"


class FeatureGridBlock(blocks.StructBlock):
    heading = blocks.CharBlock(max_length=120, required=False)
    features = blocks.ListBlock(FeatureBlock())

    class Meta:
        icon = "table"
        template = "content/blocks/feature_grid.html"


class StatBlock(blocks.StructBlock):
    value = blocks.CharBlock(max_length=30)
    label = blocks.CharBlock(max_length=120)


class BodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(
        form_classname="title", icon="title", template="content/blocks/heading.html"
    )
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ol", "ul", "h3", "h4"])
    image = ImageBlock()
    quote = blocks.BlockQuoteBlock()
    features = FeatureGridBlock()
    stats = blocks.ListBlock(StatBlock(), icon="order", template="content/blocks/stats.html")
    call_to_action = CallToActionBlock()


class ResultBlock(blocks.StructBlock):
    """A headline result of a case study: "94%" / "less card fraud in six months"."""

    value = blocks.CharBlock(max_length=30)
    label = blocks.CharBlock(max_length=160)

    class Meta:
        icon = "success"
