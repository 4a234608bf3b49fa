"""Service items: who may write them, the values they take, publishing only with the
8 key elements (docs/conformance.md SRV-1), vague materials flagged, versions kept."""

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from zhengtong.conftest import audit_records
from zhengtong.core.errors import Conflict, Invalid, NotPermitted
from zhengtong.core.models import WorkItem
from zhengtong.search.models import SearchEntry
from zhengtong.services import services
from zhengtong.services.checks import KEY_ELEMENTS, guide_problems
from zhengtong.services.models import ItemState, ServiceItem
from zhengtong.services.search import OBJECT_TYPE

from .conftest import complete_fields, make_item, pdf

pytestmark = pytest.mark.django_db(transaction=False)


# --- who may write ---------------------------------------------------------------------


def test_a_clerk_writes_a_guide_for_their_own_unit(clerk_a, county):
    item = make_item(clerk_a, county.a)
    assert item.state == ItemState.DRAFT and item.unit == county.a
    assert item.materials.count() == 2 and item.steps.count() == 2
    assert audit_records("services.item.create")


def test_an_editor_of_the_unit_may_write_too(editor_a, county):
    assert make_item(editor_a, county.a).created_by == editor_a


def test_a_clerk_of_another_unit_cannot_create_an_item_for_it(clerk_b, county):
    with pytest.raises(NotPermitted):
        make_item(clerk_b, county.a)


def test_a_clerk_of_another_unit_cannot_edit_or_publish(clerk_a, clerk_b, county):
    item = make_item(clerk_a, county.a)
    with pytest.raises(NotPermitted):
        services.update_item(clerk_b, item, name="改名")
    with pytest.raises(NotPermitted):
        services.publish_item(clerk_b, item)
    assert ServiceItem.objects.get(pk=item.pk).name == "学生资助申请"


def test_the_government_office_edits_every_units_guides(clerk_a, office_clerk, county):
    item = make_item(clerk_a, county.a)
    services.update_item(office_clerk, item, hours="全天")
    assert make_item(office_clerk, county.b).unit == county.b


def test_the_unit_head_may_publish_but_not_edit(clerk_a, head_a, county):
    item = make_item(clerk_a, county.a)
    with pytest.raises(NotPermitted):
        services.update_item(head_a, item, name="x")
    assert services.publish_item(head_a, item).state == ItemState.PUBLISHED


# --- bad input -------------------------------------------------------------------------


@pytest.mark.parametrize("phone", ["12345", "0551-12", "电话", "1381234567"])
def test_a_bad_contact_phone_is_refused(clerk_a, county, phone):
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, phone=phone)
    assert exc.value.field == "phone"
    assert not ServiceItem.objects.exists()


def test_a_mobile_number_is_a_valid_contact_phone(clerk_a, county):
    assert make_item(clerk_a, county.a, phone="13812345678").phone == "13812345678"


@pytest.mark.parametrize("field", ["statutory_limit", "promised_limit"])
def test_negative_time_limits_are_refused(clerk_a, county, field):
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, **{field: -1})
    assert exc.value.field == field


def test_a_promised_limit_longer_than_the_statutory_one_is_refused(clerk_a, county):
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, statutory_limit=10, promised_limit=15)
    assert exc.value.field == "promised_limit"
    item = make_item(clerk_a, county.a)
    with pytest.raises(Invalid):
        services.update_item(clerk_a, item, promised_limit=25)  # statutory stays 20


def test_a_time_limit_that_is_not_a_number_is_refused(clerk_a, county):
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, statutory_limit="二十")
    assert exc.value.field == "statutory_limit"


def test_the_implementation_code_is_unique_and_well_formed(clerk_a, county):
    make_item(clerk_a, county.a, implementation_code="ABC-1")
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, implementation_code="abc-1")
    assert exc.value.field == "implementation_code"
    with pytest.raises(Invalid):
        make_item(clerk_a, county.a, implementation_code="有 空格/")


def test_an_unknown_type_and_a_material_without_name_are_refused(clerk_a, county):
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, item_type="permit")
    assert exc.value.field == "item_type"
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, materials=[{"name": " "}])
    assert exc.value.field == "materials"
    with pytest.raises(Invalid):
        make_item(clerk_a, county.a, materials=[{"name": "表", "copies": 0}])


def test_a_stale_edit_is_refused(clerk_a, office_clerk, county):
    item = make_item(clerk_a, county.a)
    seen = item.revision
    services.update_item(office_clerk, item, revision=seen, hours="上午")
    with pytest.raises(Conflict):
        services.update_item(clerk_a, item, revision=seen, hours="下午")
    assert ServiceItem.objects.get(pk=item.pk).hours == "上午"


# --- publishing and the 8 key elements -------------------------------------------------

EMPTY_VALUE = {
    "name": {"name": ""},
    "legal_basis": {"legal_basis": ""},
    "conditions": {"conditions": ""},
    "materials": {"materials": []},
    "place": {"place": ""},
    "hours": {"hours": ""},
    "phone": {"phone": ""},
    "steps": {"steps": []},
}


@pytest.mark.parametrize("element", [key for key, _label in KEY_ELEMENTS if key != "name"])
def test_publishing_is_refused_naming_each_missing_key_element(clerk_a, county, element):
    item = make_item(clerk_a, county.a, **EMPTY_VALUE[element])
    with pytest.raises(Invalid) as exc:
        services.publish_item(clerk_a, item)
    assert exc.value.code == "key_element_missing"
    label = str(dict(KEY_ELEMENTS)[element])
    assert label in str(exc.value.message)
    assert ServiceItem.objects.get(pk=item.pk).state == ItemState.DRAFT


def test_a_nameless_item_cannot_even_be_saved(clerk_a, county):
    with pytest.raises(Invalid) as exc:
        make_item(clerk_a, county.a, name="  ")
    assert exc.value.field == "name"


def test_the_refusal_names_every_missing_element_at_once(clerk_a, county):
    item = make_item(clerk_a, county.a, place="", hours="", phone="")
    with pytest.raises(Invalid) as exc:
        services.publish_item(clerk_a, item)
    message = str(exc.value.message)
    for key in ("place", "hours", "phone"):
        assert str(dict(KEY_ELEMENTS)[key]) in message


def test_a_complete_guide_is_published_indexed_and_versioned(
    clerk_a, county, django_capture_on_commit_callbacks
):
    item = make_item(clerk_a, county.a)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_item(clerk_a, item)
    item.refresh_from_db()
    assert item.state == ItemState.PUBLISHED and item.version == 1
    assert item.versions.get().snapshot["conditions"] == item.conditions
    entry = SearchEntry.objects.get(object_type=OBJECT_TYPE, object_id=str(item.pk))
    assert entry.public and entry.url == f"/bsfw/sx/{item.implementation_code}/"
    assert audit_records("services.item.publish")


def test_a_published_guide_keeps_earlier_versions_when_changed(clerk_a, county):
    item = make_item(clerk_a, county.a)
    services.publish_item(clerk_a, item)
    services.update_item(clerk_a, item, hours="周一至周五 9:00—17:00")
    item.refresh_from_db()
    assert item.version == 2
    versions = list(item.versions.order_by("version"))
    assert versions[0].snapshot["hours"] != versions[1].snapshot["hours"]
    assert audit_records("services.item.update")[-1].changes["hours"]


def test_a_published_guide_cannot_lose_a_key_element(clerk_a, county):
    item = make_item(clerk_a, county.a)
    services.publish_item(clerk_a, item)
    with pytest.raises(Invalid) as exc:
        services.update_item(clerk_a, item, steps=[])
    assert exc.value.code == "key_element_missing"
    assert item.steps.count() == 2


def test_withdrawing_needs_a_reason_and_removes_it_from_search(
    clerk_a, county, django_capture_on_commit_callbacks
):
    item = make_item(clerk_a, county.a)
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_item(clerk_a, item)
    with pytest.raises(Invalid):
        services.withdraw_item(clerk_a, item, reason=" ")
    with django_capture_on_commit_callbacks(execute=True):
        services.withdraw_item(clerk_a, item, reason="事项已取消")
    assert not SearchEntry.objects.filter(object_type=OBJECT_TYPE).exists()
    assert item.versions.count() == 1  # the published version stays on record
    with pytest.raises(Conflict):
        services.withdraw_item(clerk_a, item, reason="again")


# --- the check -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["其他材料", "其他相关材料", "身份证明等材料", "其他根据法律法规需要提交的材料"]
)
def test_vague_catch_all_materials_are_flagged(clerk_a, county, name):
    item = make_item(clerk_a, county.a, materials=[{"name": "申请表"}, {"name": name}])
    warnings = [p for p in guide_problems(item) if not p.blocks]
    assert any(p.element == "materials[2]" and name in p.message for p in warnings)
    # A warning, not a missing element: the guide may still be published.
    assert services.publish_item(clerk_a, item).state == ItemState.PUBLISHED


def test_a_complete_guide_has_no_problem(clerk_a, county):
    assert guide_problems(make_item(clerk_a, county.a)) == []


def test_a_step_without_its_requirements_is_flagged(clerk_a, county):
    item = make_item(clerk_a, county.a, steps=[{"name": "受理", "description": ""}])
    assert [p.element for p in guide_problems(item)] == ["steps[1]"]


def test_an_incomplete_guide_gets_one_work_item_for_its_unit(clerk_a, county):
    item = make_item(clerk_a, county.a, place="")
    first = services.flag_incomplete_guide(None, item)
    assert services.flag_incomplete_guide(None, item) == first
    assert first.assignee_unit == county.a and first.due_date
    services.update_item(clerk_a, item, place="政务服务中心")
    services.publish_item(clerk_a, item)
    assert WorkItem.objects.get(pk=first.pk).state == "done"


def test_the_check_command_passes_on_complete_guides_and_fails_otherwise(clerk_a, county, capsys):
    good = make_item(clerk_a, county.a)
    services.publish_item(clerk_a, good)
    call_command("check_service_guides")
    assert "1 published guide(s) checked" in capsys.readouterr().out
    # A guide made incomplete behind the operations' back (e.g. by an old import).
    ServiceItem.objects.filter(pk=good.pk).update(phone="")
    with pytest.raises(CommandError):
        call_command("check_service_guides", "--work-items")
    assert WorkItem.objects.filter(kind=services.COMPLETE_GUIDE_KIND).count() == 1


def test_the_nightly_check_files_a_work_item_per_incomplete_guide(clerk_a, county):
    from zhengtong.core import scheduler

    assert any(job.name == "services_guide_check" for job in scheduler.JOBS)
    good, bad = make_item(clerk_a, county.a), make_item(clerk_a, county.a)
    services.publish_item(clerk_a, good)
    services.publish_item(clerk_a, bad)
    ServiceItem.objects.filter(pk=bad.pk).update(hours="")
    assert services.flag_all_incomplete_guides() == 1
    item = WorkItem.objects.get(kind=services.COMPLETE_GUIDE_KIND)
    assert item.subject_id == str(bad.pk) and item.assignee_unit == county.a


def test_the_strict_check_fails_on_a_vague_material(clerk_a, county):
    item = make_item(clerk_a, county.a, materials=[{"name": "其他材料"}])
    services.publish_item(clerk_a, item)
    call_command("check_service_guides", "--quiet")
    with pytest.raises(CommandError):
        call_command("check_service_guides", "--strict")


# --- files -----------------------------------------------------------------------------


def test_files_of_a_guide_go_through_the_attachment_checks(clerk_a, county):
    item = make_item(clerk_a, county.a)
    material = item.materials.first()
    services.attach_file(clerk_a, item, pdf("申请表.pdf"), slot="blank_form", material=material)
    material.refresh_from_db()
    assert material.blank_form.original_name == "申请表.pdf"
    with pytest.raises(Invalid):  # a PDF is not an image
        services.attach_file(clerk_a, item, pdf("flow.pdf"), slot="flow_chart")
    with pytest.raises(Invalid):
        services.attach_file(clerk_a, item, pdf(), slot="sample", material=999999)


def test_another_unit_cannot_attach_files(clerk_a, clerk_b, county):
    item = make_item(clerk_a, county.a)
    with pytest.raises(NotPermitted):
        services.attach_file(clerk_b, item, pdf(), slot="result_sample")


def test_materials_kept_by_id_keep_their_files(clerk_a, county):
    item = make_item(clerk_a, county.a)
    material = item.materials.first()
    services.attach_file(clerk_a, item, pdf(), slot="sample", material=material)
    rows = [
        {"id": material.pk, "name": "学生资助申请表（新版）"},
        {"name": "户口簿"},
    ]
    services.update_item(clerk_a, item, materials=rows)
    material.refresh_from_db()
    assert material.name == "学生资助申请表（新版）" and material.sample_id
    assert item.materials.count() == 2


def test_complete_fields_cover_every_guide_field():
    fields = complete_fields()
    assert set(services.EDITABLE) <= set(fields)


def test_the_site_search_finds_a_published_guide_and_never_a_draft(
    clerk_a, county, django_capture_on_commit_callbacks
):
    from zhengtong.portal.views_search import find

    draft = make_item(clerk_a, county.a, name="渔船登记草稿事项")
    published = make_item(clerk_a, county.a, name="渔船登记证明办理")
    with django_capture_on_commit_callbacks(execute=True):
        services.publish_item(clerk_a, published)
    urls = [hit.entry.url for hit in find("渔船登记")]
    assert published.get_absolute_url() in urls
    assert all("草稿" not in hit.entry.title for hit in find("渔船登记"))
    assert draft.pk != published.pk
