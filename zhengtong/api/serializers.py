from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from zhengtong.core.masking import mask_mobile
from zhengtong.core.models import WorkItem
from zhengtong.org import permissions
from zhengtong.org.models import Membership, RoleAssignment, Unit, User


class UnitSerializer(serializers.ModelSerializer):
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


class MembershipSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField(source="unit.name", read_only=True)

    class Meta:
        model = Membership
        fields = ["unit", "unit_name", "is_primary", "position"]


class StaffSerializer(serializers.ModelSerializer):
    """What a colleague may see: name, units, position; the mobile number whole only
    for colleagues of a shared unit and the IT centre, otherwise masked."""

    units = MembershipSerializer(source="memberships", many=True, read_only=True)
    mobile = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "real_name", "position", "mobile", "units"]

    def get_mobile(self, user) -> str:
        if not user.mobile:
            return ""
        viewer = self.context["request"].user
        if permissions.may(viewer, "org.view_staff_contact", user):
            return user.mobile
        return mask_mobile(user.mobile)


class RoleSerializer(serializers.ModelSerializer):
    class Meta:
        model = RoleAssignment
        fields = ["role", "unit"]


class MeSerializer(StaffSerializer):
    roles = RoleSerializer(source="role_assignments", many=True, read_only=True)

    class Meta(StaffSerializer.Meta):
        fields = [*StaffSerializer.Meta.fields, "email", "notification_mode", "roles"]


class WorkItemSerializer(serializers.ModelSerializer):
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


class DateQuery(serializers.Serializer):
    date = serializers.DateField(help_text=_("ISO date, e.g. 2026-09-30"))


class AddDaysQuery(DateQuery):
    days = serializers.IntegerField(min_value=-3650, max_value=3650)


class BetweenQuery(serializers.Serializer):
    start = serializers.DateField()
    end = serializers.DateField()

    MAX_YEARS = 100

    def validate(self, data):
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


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
    expires = serializers.DateTimeField(
        read_only=True, help_text=_("After this moment the token is refused; ask again.")
    )


class DeadlineSerializer(serializers.Serializer):
    date = serializers.DateField()
    fallback = serializers.BooleanField(help_text=_("True when computed without holiday data."))
    rule = serializers.CharField()


class CountSerializer(serializers.Serializer):
    count = serializers.IntegerField()
    fallback = serializers.BooleanField()


class WorkingDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    is_working_day = serializers.BooleanField()
    fallback = serializers.BooleanField()
