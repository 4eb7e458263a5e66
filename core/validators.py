"""Checks for the free-text values people send through public forms and the API.

One place for what a phone number, a person's or company's name, and a link must look
like, used by lead capture, staff edits and the serializers (DRF wrappers below):

- phones are parsed with ``phonenumbers`` (international ``+254...`` or national in
  ``PHONE_DEFAULT_REGION``) and stored in E.164;
- names and companies: at most their field's length, printable text with no markup
  (``<``, ``>``), no control characters, and at least one letter or digit;
- links: ``http``/``https`` only (no ``javascript:``, ``data:`` or ``file:``).
"""

from __future__ import annotations

import re
import unicodedata

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from rest_framework import serializers

_MARKUP = re.compile(r"[<>]")
_ALNUM = re.compile(r"\w", re.UNICODE)


def clean_phone(value: str) -> str:
    """The number in E.164, or ``ValidationError``."""
    text = (value or "").strip()
    if not text:
        return ""
    region = getattr(settings, "PHONE_DEFAULT_REGION", "KE")
    try:
        number = phonenumbers.parse(text, region)
    except phonenumbers.NumberParseException as exc:
        raise ValidationError("Enter a valid phone number, e.g. +254 712 345 678.") from exc
    if not phonenumbers.is_possible_number(number) or not phonenumbers.is_valid_number(number):
        raise ValidationError("Enter a valid phone number, e.g. +254 712 345 678.")
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def clean_display_text(value: str, *, max_length: int, label: str = "This") -> str:
    """A name or company: stripped, bounded, printable, without markup."""
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) > max_length:
        raise ValidationError(f"At most {max_length} characters.")
    if _MARKUP.search(text):
        raise ValidationError(f"{label} may not contain < or >.")
    if any(unicodedata.category(ch) in ("Cc", "Cs", "Co", "Cn") for ch in text):
        raise ValidationError(f"{label} may not contain control or invalid characters.")
    if not _ALNUM.search(text):
        raise ValidationError(f"{label} needs at least one letter or digit.")
    return " ".join(text.split())


def clean_http_url(value: str, *, max_length: int = 300) -> str:
    text = (value or "").strip()
    if not text:
        return ""
    if len(text) > max_length:
        raise ValidationError(f"At most {max_length} characters.")
    URLValidator(schemes=["http", "https"], message="Enter a valid http(s) URL.")(text)
    return text


class _DjangoCheckedField(serializers.CharField):
    def _check(self, value: str) -> str:  # pragma: no cover - overridden
        return value

    def to_internal_value(self, data):
        value = super().to_internal_value(data)
        try:
            return self._check(value)
        except ValidationError as exc:
            raise serializers.ValidationError(exc.messages) from exc


class PhoneField(_DjangoCheckedField):
    """A phone number (``phonenumbers``), returned in E.164."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 40)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def _check(self, value: str) -> str:
        return clean_phone(value)


class DisplayTextField(_DjangoCheckedField):
    """A person's or company's name: bounded, printable, no markup."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 200)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def _check(self, value: str) -> str:
        return clean_display_text(value, max_length=self.max_length or 200)


class HttpUrlField(_DjangoCheckedField):
    """An ``http``/``https`` URL."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 300)
        kwargs.setdefault("allow_blank", True)
        super().__init__(**kwargs)

    def _check(self, value: str) -> str:
        return clean_http_url(value, max_length=self.max_length or 300)
