"""Serializers of the kernel's API, and the generic pieces every subsystem's API shares:
`StrictSerializer` and the references to a unit and to a person."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from zhengtong.core.masking import mask_mobile
from zhengtong.core.models import WorkItem
from zhengtong.org import permissions
from zhengtong.org.models import Membership, RoleAssignment, Unit, User

# The permission rule's question, seen through its call shape.
_may = cast(Callable[..., bool], permissions.may)


# --- generic pieces, shared by the subsystems' APIs -----------------------------------------


class StrictSerializer(serializers.Serializer[Any]):
    """Refuses fields it does not know, rather than silently ignoring them (a client
    that sends `issuing_unit` or `state` in a change would otherwise think it worked)."""

    def to_internal_value(self, data: Any) -> Any:
        if hasattr(data, "keys"):
            unknown = sorted(set(data.keys()) - set(self.fields))
            if unknown:
                raise serializers.ValidationError(
                    {key: [_("This field cannot be set here.")] for key in unknown}
                )
        return super().to_internal_value(data)


class UnitRefSerializer(serializers.ModelSerializer[Unit]):
    """A unit named in another object: its id and name."""

    class Meta:
        model = Unit
        fields = ["id", "name"]
        read_only_fields = fields


class PersonRefSerializer(serializers.ModelSerializer[User]):
    """A member of staff named in another object: their id and real name."""

    class Meta:
        model = User
        fields = ["id", "real_name"]
        read_only_fields = fields


# --- the kernel's own -------------------------------------------------------------------------


class UnitSerializer(serializers.ModelSerializer[Unit]):
    class Meta:
        model = Unit
        fields = [
            "id",
            "parent",
            "kind",
            "name",
            "short_name",
            "code",
            "doc_prefix",
            "phone",
            "email",
            "address",
            "postcode",
            "is_active",
            "merged_into",
        ]


class MembershipSerializer(serializers.ModelSerializer[Membership]):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["unit", "unit_name", "is_primary", "position"]


class StaffSerializer(serializers.ModelSerializer[User]):
    """What a colleague may see: name, units, position; the mobile number whole only
    for colleagues of a shared unit and the IT centre, otherwise masked."""

    units = MembershipSerializer(source="memberships", many=True, read_only=True)
    mobile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "real_name", "position", "mobile", "units"]

    def get_mobile(self, user: User) -> str:
        if not user.mobile:
            return ""
        viewer = self.context["request"].user
        if _may(viewer, "org.view_staff_contact", user):
            return str(user.mobile)
        return str(mask_mobile(user.mobile))


class RoleSerializer(serializers.ModelSerializer[RoleAssignment]):
    class Meta:
        model = RoleAssignment
        fields = ["role", "unit"]


class MeSerializer(StaffSerializer):
    roles = RoleSerializer(source="role_assignments", many=True, read_only=True)

    class Meta(StaffSerializer.Meta):
        fields = [*StaffSerializer.Meta.fields, "email", "notification_mode", "roles"]


class WorkItemSerializer(serializers.ModelSerializer[WorkItem]):
    class Meta:
        model = WorkItem
        fields = [
            "id",
            "kind",
            "title",
            "assignee_user",
            "assignee_unit",
            "url",
            "created_at",
            "due_date",
            "due_rule",
            "due_fallback",
            "state",
            "closed_at",
            "closed_by",
            "closed_on_behalf_of",
        ]
        read_only_fields = fields


class DateQuery(serializers.Serializer[Any]):
    date = serializers.DateField(help_text=_("ISO date, e.g. 2026-09-30"))


class AddDaysQuery(DateQuery):
    days = serializers.IntegerField(min_value=-3650, max_value=3650)


class BetweenQuery(serializers.Serializer[Any]):
    start = serializers.DateField()
    end = serializers.DateField()

    MAX_YEARS = 100

    def validate(self, data: Any) -> Any:
        if abs(data["end"].year - data["start"].year) > self.MAX_YEARS:
            raise serializers.ValidationError(
                {
                    "end": _("The dates may be at most %(years)d years apart.")
                    % {"years": self.MAX_YEARS}
                }
            )
        return data


class TokenRequestSerializer(AuthTokenSerializer):
    otp_token = serializers.CharField(
        label=_("Code from the authenticator app"),
        required=False,
        allow_blank=True,
        max_length=8,
        help_text=_("Needed for accounts with two-factor sign-in."),
    )


class TokenSerializer(serializers.Serializer[Any]):
    token = serializers.CharField(read_only=True)
    expires = serializers.DateTimeField(
        read_only=True, help_text=_("After this moment the token is refused; ask again.")
    )


class DeadlineSerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    fallback = serializers.BooleanField(help_text=_("True when computed without holiday data."))
    rule = serializers.CharField()


class CountSerializer(serializers.Serializer[Any]):
    count = serializers.IntegerField()
    fallback = serializers.BooleanField()


class WorkingDaySerializer(serializers.Serializer[Any]):
    date = serializers.DateField()
    is_working_day = serializers.BooleanField()
    fallback = serializers.BooleanField()
