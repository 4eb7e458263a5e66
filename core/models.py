"""Core has no tables yet; this module exists so Django sends it ``post_migrate``
(Django skips apps without a models module), which installs roles and the Wagtail root."""
