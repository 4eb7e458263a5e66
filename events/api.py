"""Events API: ``GET /api/events`` (public), ``POST /api/events`` (staff),
``POST /api/events/{id}/register`` (public, rate-limited). Thin: validate, call a service,
serialise."""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiResponse,
    extend_schema,
    extend_schema_serializer,
    inline_serializer,
)
from rest_framework import serializers, status
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from core.context import context_from_request
from core.permissions import HasPerm
from core.ratelimit import rate_limit
from events.models import (
    REGISTRATION_FIELDS,
    EventPage,
    EventRegistration,
    validate_registration_fields,
    validate_timezone,
)
from events.selectors import event_list_upcoming
from events.services import event_create, event_register
from events.views import visitor_from_request
from leads.facade import ConsentSerializer


def _image_url(image) -> str:
    if image is None:
        return ""
    try:
        return image.get_rendition("fill-1200x630").url
    except Exception:  # missing file: the listing still works
        return ""


class EventOutputSerializer(serializers.Serializer):
    id = serializers.UUIDField(source="uuid")
    title = serializers.CharField()
    slug = serializers.CharField()
    url = serializers.SerializerMethodField()
    type = serializers.CharField(source="event_type")
    summary = serializers.CharField()
    value_proposition = serializers.CharField()
    status = serializers.SerializerMethodField()
    starts_at = serializers.DateTimeField()
    ends_at = serializers.DateTimeField()
    starts_at_local = serializers.SerializerMethodField()
    timezone = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    format = serializers.CharField()
    platform = serializers.CharField()
    location = serializers.CharField()
    capacity = serializers.IntegerField()
    seats_remaining = serializers.SerializerMethodField()
    waitlist_enabled = serializers.BooleanField()
    registration_required = serializers.BooleanField()
    registration_fields = serializers.ListField(child=serializers.CharField())
    qualification_required = serializers.BooleanField()
    speakers = serializers.SerializerMethodField()
    agenda = serializers.SerializerMethodField()
    cover_image = serializers.SerializerMethodField()
    recording_available = serializers.BooleanField()

    def get_url(self, obj: EventPage) -> str:
        return obj.url or ""

    def get_status(self, obj: EventPage) -> str:
        return obj.status_at(self.context.get("now") or timezone.now())

    def get_starts_at_local(self, obj: EventPage) -> str:
        return obj.starts_at_local.isoformat()

    def get_seats_remaining(self, obj: EventPage) -> int:
        registered = getattr(obj, "registered_count", None)
        if registered is None:
            registered = obj.registrations.filter(
                status=EventRegistration.Status.REGISTERED
            ).count()
        return max(obj.capacity - registered, 0)

    def get_speakers(self, obj: EventPage) -> list[dict]:
        return [
            {
                "name": b.value["name"],
                "title": b.value.get("title", ""),
                "company": b.value.get("company", ""),
                "bio": b.value.get("bio", ""),
            }
            for b in obj.speakers
        ]

    def get_agenda(self, obj: EventPage) -> list[dict]:
        return [
            {
                "time": b.value.get("time", ""),
                "title": b.value["title"],
                "description": b.value.get("description", ""),
            }
            for b in obj.agenda
        ]

    def get_cover_image(self, obj: EventPage) -> str:
        return _image_url(obj.cover_image)


EVENT_EXAMPLE = {
    "id": "0e9a3f4c-1b2d-4e5f-8a7b-6c5d4e3f2a10",
    "title": "AI for SMEs: a live workshop",
    "slug": "ai-for-smes-workshop",
    "url": "/events/ai-for-smes-workshop/",
    "type": "workshop",
    "summary": "Build your first AI feature live with our engineers.",
    "value_proposition": "Leave with a working prototype.",
    "status": "upcoming",
    "starts_at": "2027-01-21T07:00:00Z",
    "ends_at": "2027-01-21T08:30:00Z",
    "starts_at_local": "2027-01-21T10:00:00+03:00",
    "timezone": "Africa/Nairobi",
    "duration_minutes": 90,
    "format": "virtual",
    "platform": "zoom",
    "location": "",
    "capacity": 80,
    "seats_remaining": 54,
    "waitlist_enabled": True,
    "registration_required": True,
    "registration_fields": ["name", "company"],
    "qualification_required": False,
    "speakers": [
        {"name": "Amina Otieno", "title": "ML engineer", "company": "EmenTech", "bio": ""}
    ],
    "agenda": [{"time": "10:00", "title": "Welcome", "description": ""}],
    "cover_image": "",
    "recording_available": False,
}


def seed_event_aliases(data):
    """The seed's event body (§6.1.5, its ``IEvent``) in this API's names: ``name`` is the
    title, ``duration`` the minutes, ``registration: {required, fields,
    qualification_required}`` the three registration fields, ``agenda`` may be a list of
    strings (each an item's title); ``summary`` defaults to the description's first 300
    characters. A field sent under both names keeps the API's own."""
    if not isinstance(data, dict):
        return data
    data = dict(data)
    for seed, ours in (("name", "title"), ("duration", "duration_minutes")):
        if seed in data:
            value = data.pop(seed)
            data.setdefault(ours, value)
    registration = data.pop("registration", None)
    if isinstance(registration, dict):
        for seed, ours in (
            ("required", "registration_required"),
            ("fields", "registration_fields"),
            ("qualification_required", "qualification_required"),
        ):
            if seed in registration:
                data.setdefault(ours, registration[seed])
    elif registration is not None:
        raise serializers.ValidationError({"registration": ["Must be an object."]})
    if isinstance(data.get("registration_fields"), list):  # email is always asked
        data["registration_fields"] = [f for f in data["registration_fields"] if f != "email"]
    if isinstance(data.get("agenda"), list):
        data["agenda"] = [{"title": i} if isinstance(i, str) else i for i in data["agenda"]]
    description = data.get("description")
    if "summary" not in data and isinstance(description, str) and description.strip():
        data["summary"] = strip_tags(description).strip()[:300]
    return data


class EventListCreateApi(APIView):
    """GET: upcoming and live events (public). POST: create an event (staff who may add
    events; Marketers)."""

    @extend_schema_serializer(component_name="EventCreateInput")
    class InputSerializer(serializers.Serializer):
        title = serializers.CharField(max_length=255)
        slug = serializers.SlugField(max_length=255, required=False)
        type = serializers.ChoiceField(choices=EventPage.EventType.choices)
        summary = serializers.CharField()
        value_proposition = serializers.CharField(max_length=200, required=False, default="")
        description = serializers.CharField(required=False, default="")
        scheduled_for = serializers.CharField(
            max_length=40,
            help_text="ISO 8601; a time without offset is read in the event's time zone.",
        )
        timezone = serializers.CharField(max_length=64, default="Africa/Nairobi")
        duration_minutes = serializers.IntegerField(min_value=5, max_value=24 * 60)
        format = serializers.ChoiceField(choices=EventPage.Format.choices)
        platform = serializers.CharField(max_length=60, required=False, default="")
        join_url = serializers.URLField(required=False, default="")
        location = serializers.CharField(max_length=255, required=False, default="")
        capacity = serializers.IntegerField(min_value=1)
        registration_required = serializers.BooleanField(default=True)
        registration_fields = serializers.ListField(
            child=serializers.ChoiceField(choices=list(REGISTRATION_FIELDS)), default=list
        )
        qualification_required = serializers.BooleanField(default=False)
        waitlist_enabled = serializers.BooleanField(default=True)
        recording_url = serializers.URLField(required=False, default="")
        speakers = serializers.ListField(child=serializers.DictField(), default=list)
        agenda = serializers.ListField(child=serializers.DictField(), default=list)
        publish = serializers.BooleanField(default=True)

        def to_internal_value(self, data):
            return super().to_internal_value(seed_event_aliases(data))

        def validate_timezone(self, value: str) -> str:
            try:
                validate_timezone(value)
            except DjangoValidationError as exc:
                raise serializers.ValidationError(exc.messages) from exc
            return value

        def validate(self, attrs):
            from zoneinfo import ZoneInfo

            when = parse_datetime(attrs["scheduled_for"])
            if when is None:
                raise serializers.ValidationError(
                    {"scheduled_for": ["Use ISO 8601, e.g. 2031-03-10T09:00:00+03:00."]}
                )
            attrs["scheduled_for"] = when
            if timezone.is_naive(when):
                attrs["scheduled_for"] = when.replace(tzinfo=ZoneInfo(attrs["timezone"]))
            validate_registration_fields(attrs["registration_fields"])
            for item in attrs["speakers"]:
                if not item.get("name"):
                    raise serializers.ValidationError({"speakers": ["Every speaker needs a name."]})
            for item in attrs["agenda"]:
                if not item.get("title"):
                    raise serializers.ValidationError({"agenda": ["Every item needs a title."]})
            return attrs

    def get_permissions(self):
        if self.request.method == "GET":
            return [AllowAny()]
        return [HasPerm.of("events.add_eventpage")()]

    @extend_schema(
        responses=inline_serializer("EventList", {"events": EventOutputSerializer(many=True)}),
        auth=[],
        examples=[
            OpenApiExample("Upcoming", value={"events": [EVENT_EXAMPLE]}, response_only=True)
        ],
    )
    def get(self, request):
        events = event_list_upcoming()
        data = EventOutputSerializer(events, many=True, context={"now": timezone.now()}).data
        return Response({"events": data})

    @extend_schema(
        request=InputSerializer,
        responses={201: inline_serializer("EventCreated", {"event": EventOutputSerializer()})},
        examples=[
            OpenApiExample(
                "The seed's body (§6.1.5)",
                value={
                    "name": "AI for SMEs: a live workshop",
                    "type": "workshop",
                    "description": "Build your first AI feature live with our engineers.",
                    "scheduledFor": "2027-01-21T10:00:00+03:00",
                    "duration": 90,
                    "format": "virtual",
                    "capacity": 80,
                    "registration": {"required": True, "fields": ["name", "company"]},
                    "agenda": ["Welcome", "Hands-on build", "Q&A"],
                },
                request_only=True,
            ),
            OpenApiExample(
                "Created", value={"event": EVENT_EXAMPLE}, response_only=True, status_codes=["201"]
            ),
        ],
    )
    def post(self, request):
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        publish = data.pop("publish")
        data["event_type"] = data.pop("type")
        data["description"] = data.get("description") or f"<p>{data['summary']}</p>"
        data["speakers"] = [
            ("speaker", {k: s.get(k, "") for k in ("name", "title", "company", "bio")})
            for s in data["speakers"]
        ]
        data["agenda"] = [
            ("item", {k: a.get(k, "") for k in ("time", "title", "description")})
            for a in data["agenda"]
        ]
        event = event_create(data=data, actor=request.user, publish=publish)
        out = EventOutputSerializer(event, context={"now": timezone.now()}).data
        return Response({"event": out}, status=status.HTTP_201_CREATED)


class RegistrationOutputSerializer(serializers.Serializer):
    registration = inline_serializer(
        "Registration",
        {
            "id": serializers.UUIDField(),
            "status": serializers.ChoiceField(choices=EventRegistration.Status.choices),
            "event_id": serializers.UUIDField(),
            "created_at": serializers.DateTimeField(),
        },
    )
    message = serializers.CharField()


class EventRegisterApi(APIView):
    """Register for an event: 201 registered, 202 waitlisted, 400 invalid, 403 not
    qualified, 404 unknown or cancelled, 409 already registered / full / ended."""

    permission_classes = [AllowAny]
    authentication_classes: list = []

    @extend_schema_serializer(component_name="EventRegisterInput")
    class InputSerializer(serializers.Serializer):
        email = serializers.CharField(max_length=254)
        consent = ConsentSerializer()
        join_waitlist = serializers.BooleanField(default=False)

        def get_fields(self):
            fields = super().get_fields()
            for name, spec in REGISTRATION_FIELDS.items():
                if spec.choices:
                    fields[name] = serializers.ChoiceField(
                        choices=spec.choices, required=False, allow_blank=True
                    )
                else:
                    fields[name] = serializers.CharField(
                        max_length=1000, required=False, allow_blank=True
                    )
            return fields

    @extend_schema(
        request=InputSerializer,
        responses={
            201: RegistrationOutputSerializer,
            202: RegistrationOutputSerializer,
            400: OpenApiResponse(description="Invalid input or missing fields (details)."),
            403: OpenApiResponse(description="The event requires a qualified lead."),
            404: OpenApiResponse(description="Unknown or cancelled event."),
            409: OpenApiResponse(description="Already registered, full, or ended."),
            429: OpenApiResponse(description="Too many requests."),
        },
        auth=[],
        examples=[
            OpenApiExample(
                "Register",
                value={
                    "email": "wanjiru@acme.co.ke",
                    "name": "Wanjiru Kamau",
                    "company": "Acme Ltd",
                    "consent": {"data_processing": True, "marketing": False},
                },
                request_only=True,
            ),
            OpenApiExample(
                "Registered",
                value={
                    "registration": {
                        "id": "5b1f0c2e-93a4-4d1e-8f7a-2c6d9e0b4a11",
                        "status": "registered",
                        "event_id": "0e9a3f4c-1b2d-4e5f-8a7b-6c5d4e3f2a10",
                        "created_at": "2026-12-03T16:00:00+03:00",
                    },
                    "message": "You're registered: check your inbox for the details.",
                },
                response_only=True,
                status_codes=["201"],
            ),
        ],
    )
    def post(self, request, event_id):
        limited = rate_limit(request._request, "events-register")
        if limited is not None:
            return limited
        serializer = self.InputSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        consent = data["consent"]  # a ConsentInput (leads' consent parser)
        answers = {k: data[k] for k in REGISTRATION_FIELDS if data.get(k)}
        result = event_register(
            event_id=event_id,
            email=data["email"],
            consent=consent,
            answers=answers,
            join_waitlist=data["join_waitlist"],
            visitor=visitor_from_request(request),
            source="api",
            ctx=context_from_request(request._request),
        )
        registration = result.registration
        body = {
            "registration": {
                "id": str(registration.pk),
                "status": registration.status,
                "event_id": str(registration.event.uuid),
                "created_at": registration.created_at.isoformat(),
            },
            "message": (
                "You're registered. Check your inbox for the confirmation and calendar invite."
                if result.status == EventRegistration.Status.REGISTERED
                else "The event is full: you're on the waitlist and we'll email you if a seat "
                "frees up."
            ),
        }
        code = (
            status.HTTP_201_CREATED
            if result.status == EventRegistration.Status.REGISTERED
            else status.HTTP_202_ACCEPTED
        )
        return Response(body, status=code)


__all__ = ["EventListCreateApi", "EventRegisterApi"]
