"""StreamField blocks of a newsletter issue (kept in this app so email layout stays simple)."""

from wagtail import blocks


class StoryBlock(blocks.StructBlock):
    title = blocks.CharBlock(max_length=160)
    text = blocks.TextBlock(required=False)
    url = blocks.CharBlock(
        max_length=300, required=False, help_text="A path on this site or a full URL."
    )
    link_label = blocks.CharBlock(max_length=60, required=False, default="Read more")

    class Meta:
        icon = "doc-full"


class IssueBodyBlock(blocks.StreamBlock):
    heading = blocks.CharBlock(max_length=160, icon="title")
    paragraph = blocks.RichTextBlock(features=["bold", "italic", "link", "ul", "ol"])
    story = StoryBlock()

    class Meta:
        block_counts = {}
