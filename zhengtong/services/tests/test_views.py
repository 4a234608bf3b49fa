"""Pages and API of the service catalogue: the public sees published guides only
(pages, files, API, search), the filters work, bad filters get a clear 400; staff
pages follow the same rules as the operations."""

import pytest
from django.urls import reverse

from zhengtong.core.tests.test_downloads import assert_safe_download
from zhengtong.search import engine
from zhengtong.services import services
from zhengtong.services.models import ItemState, ServiceEvent, ServiceItem
from zhengtong.services.search import OBJECT_TYPE, matching_ids

from .conftest import complete_fields, make_item, pdf

pytestmark = pytest.mark.django_db

CATALOGUE = "/bsfw/sx/"
API = "/api/v1/service-items/"


@pytest.fixture
def published(clerk_a, county, django_capture_on_commit_callbacks):
    """Three guides of unit A: published (school, payment), published (business,
    licensing), a draft; and one of B withdrawn."""
    with django_capture_on_commit_callbacks(execute=True):
        school = make_item(clerk_a, county.a, name="学生资助申请")
        services.publish_item(clerk_a, school)
        shop = make_item(
            clerk_a,
            county.a,
            name="民办培训机构设立许可",
            item_type="licensing",
            audience="businesses",
            events=[ServiceEvent.objects.get(slug="start-business")],
        )
        services.publish_item(clerk_a, shop)
        draft = make_item(clerk_a, county.a, name="草稿中的事项")
    from zhengtong.conftest import make_user
    from zhengtong.org.models import Role

    clerk = make_user("clerk_b2", county.b, roles=[Role.CLERK])
    with django_capture_on_commit_callbacks(execute=True):
        gone = make_item(clerk, county.b, name="已取消的财政事项")
        services.publish_item(clerk, gone)
        services.withdraw_item(clerk, gone, reason="事项取消")
    return {"school": school, "shop": shop, "draft": draft, "gone": gone}


def names(response):
    return response.content.decode()


# --- public pages ----------------------------------------------------------------------


def test_the_catalogue_lists_published_guides_only(client, published):
    response = client.get(CATALOGUE)
    html = names(response)
    assert response.status_code == 200
    assert "学生资助申请" in html and "民办培训机构设立许可" in html
    assert "草稿中的事项" not in html and "已取消的财政事项" not in html
    assert "public" in response["Cache-Control"]
    assert "csrfmiddlewaretoken" not in html


@pytest.mark.parametrize(
    "query,present,absent",
    [
        ("event=school", "学生资助申请", "民办培训机构设立许可"),
        ("event=start-business", "民办培训机构设立许可", "学生资助申请"),
        ("type=licensing", "民办培训机构设立许可", "学生资助申请"),
        ("type=payment", "学生资助申请", "民办培训机构设立许可"),
        ("audience=businesses", "民办培训机构设立许可", "学生资助申请"),
        ("q=培训机构", "民办培训机构设立许可", "学生资助申请"),
    ],
)
def test_the_catalogue_filters(client, published, query, present, absent):
    html = names(client.get(f"{CATALOGUE}?{query}"))
    assert present in html and absent not in html


def test_the_catalogue_counts_published_guides_only(client, published):
    html = names(client.get(CATALOGUE))
    # School: one published; the draft and the withdrawn guide carry the event too.
    assert '上学 <span class="count">(1)</span>' in html
    assert "?type=reward" not in html  # no item of that type: no empty link


def test_the_catalogue_filters_by_unit(client, published, county):
    html = names(client.get(f"{CATALOGUE}?unit={county.a.pk}"))
    assert "学生资助申请" in html


@pytest.mark.parametrize("query", ["type=permit", "event=nope", "unit=999999", "unit=abc"])
def test_a_bad_catalogue_filter_gets_a_clear_400(client, published, query):
    response = client.get(f"{CATALOGUE}?{query}")
    assert response.status_code == 400
    assert 'role="alert"' in names(response)


def test_the_guide_shows_the_8_key_elements_and_is_cacheable(client, published):
    item = published["school"]
    response = client.get(item.get_absolute_url())
    html = names(response)
    assert response.status_code == 200
    fields = complete_fields()
    for value in (
        item.name,
        fields["legal_basis"],
        fields["conditions"],
        "学生资助申请表",
        fields["place"],
        fields["hours"],
        fields["phone"],
        "教育局在10个工作日内审核并公示。",
    ):
        assert value in html
    assert "public" in response["Cache-Control"] and "<form" not in html.split('id="main"')[1]


def test_drafts_and_withdrawn_guides_are_not_found(client, published):
    for key in ("draft", "gone"):
        assert client.get(published[key].get_absolute_url()).status_code == 404


def test_a_guides_files_are_public_but_no_other_attachment(client, published, clerk_a):
    item = published["school"]
    material = item.materials.first()
    services.attach_file(clerk_a, item, pdf("表.pdf"), slot="blank_form", material=material)
    material.refresh_from_db()
    url = reverse("services_public:file", args=[item.implementation_code, material.blank_form_id])
    response = client.get(url)
    assert response.status_code == 200 and response["X-Content-Type-Options"] == "nosniff"
    # Published with the guide: cached as the guide is, never `no-store`.
    assert_safe_download(response, cache="public")
    assert "public" in response["Cache-Control"]
    # An attachment of a draft is not served under a published guide's address.
    draft = published["draft"]
    services.attach_file(clerk_a, draft, pdf("b.pdf"), slot="result_sample")
    draft.refresh_from_db()
    other = reverse("services_public:file", args=[item.implementation_code, draft.result_sample_id])
    assert client.get(other).status_code == 404


# --- search ----------------------------------------------------------------------------


def test_site_search_index_finds_published_guides_only(published):
    assert published["school"].pk in matching_ids("学生资助")
    assert matching_ids("培训机构") == [published["shop"].pk]
    assert matching_ids("草稿") == []
    assert matching_ids("财政事项") == []
    hits = engine.search("资助", public_only=True, object_type=OBJECT_TYPE)
    assert published["school"].get_absolute_url() in [h.entry.url for h in hits]
    assert published["draft"].get_absolute_url() not in [h.entry.url for h in hits]


# --- API -------------------------------------------------------------------------------


def test_the_api_lists_published_items_without_sign_in(api_client, published):
    response = api_client.get(API)
    assert response.status_code == 200
    codes = {row["implementation_code"] for row in response.json()["results"]}
    assert codes == {published["school"].implementation_code, published["shop"].implementation_code}


def test_the_api_filters_and_refuses_bad_filters(api_client, published, county):
    rows = api_client.get(API, {"event": "school"}).json()["results"]
    assert [r["name"] for r in rows] == ["学生资助申请"]
    rows = api_client.get(API, {"type": "licensing", "unit": county.a.pk}).json()["results"]
    assert [r["name"] for r in rows] == ["民办培训机构设立许可"]
    assert api_client.get(API, {"q": "培训"}).json()["count"] == 1
    for bad in ({"type": "x"}, {"unit": "abc"}, {"event": "nope"}, {"q": "长" * 51}):
        response = api_client.get(API, bad)
        assert response.status_code == 400, bad


def test_the_api_gives_the_whole_guide_of_a_published_item_only(api_client, published):
    item = published["school"]
    data = api_client.get(f"{API}{item.implementation_code}/").json()
    assert data["conditions"] and len(data["materials"]) == 2 and len(data["steps"]) == 2
    for key in ("draft", "gone"):
        code = published[key].implementation_code
        assert api_client.get(f"{API}{code}/").status_code == 404


# --- staff pages -----------------------------------------------------------------------


def _post_data(item=None, **overrides):
    fields = complete_fields()
    data = {
        key: value
        for key, value in fields.items()
        if key not in ("materials", "steps", "faqs", "events", "result_delivery")
    }
    data["fee_charged"] = ""
    data["result_delivery"] = ["window"]
    data["events"] = [ServiceEvent.objects.get(slug="school").pk]
    for prefix, rows in (
        ("materials", fields["materials"]),
        ("steps", fields["steps"]),
        ("faqs", fields["faqs"]),
    ):
        data[f"{prefix}-TOTAL_FORMS"] = str(len(rows))
        data[f"{prefix}-INITIAL_FORMS"] = "0"
        for i, row in enumerate(rows):
            for key, value in row.items():
                data[f"{prefix}-{i}-{key}"] = value
            if prefix == "materials":
                data[f"{prefix}-{i}-required"] = "on"
    if item is not None:
        data["revision"] = item.revision
    data.update(overrides)
    return data


def test_a_clerk_creates_a_guide_with_its_rows_through_the_form(login, clerk_a, county):
    client = login(clerk_a)
    assert client.get("/oa/services/new/").status_code == 200
    response = client.post("/oa/services/new/", _post_data(unit=county.a.pk))
    assert response.status_code == 302, response.content.decode()[:2000]
    item = ServiceItem.objects.get()
    assert item.materials.count() == 2 and item.steps.count() == 2 and item.faqs.count() == 1
    assert client.get(f"/oa/services/{item.pk}/").status_code == 200
    assert client.get("/oa/services/").status_code == 200


def test_bad_input_in_the_form_keeps_what_was_typed(login, clerk_a, county):
    client = login(clerk_a)
    response = client.post(
        "/oa/services/new/", _post_data(unit=county.a.pk, phone="123", conditions="保留的条件")
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "保留的条件" in html and 'role="alert"' in html
    assert not ServiceItem.objects.exists()


def test_a_negative_limit_in_the_form_is_refused(login, clerk_a, county):
    response = login(clerk_a).post(
        "/oa/services/new/", _post_data(unit=county.a.pk, statutory_limit="-3")
    )
    assert response.status_code == 400 and not ServiceItem.objects.exists()


def test_a_clerk_cannot_create_for_another_unit_through_the_form(login, clerk_b, county):
    response = login(clerk_b).post("/oa/services/new/", _post_data(unit=county.a.pk))
    assert response.status_code == 400 and not ServiceItem.objects.exists()


def test_another_units_staff_cannot_open_or_edit_a_draft(login, clerk_a, clerk_b, county):
    item = make_item(clerk_a, county.a)
    client = login(clerk_b)
    assert client.get(f"/oa/services/{item.pk}/").status_code == 404
    assert client.get(f"/oa/services/{item.pk}/edit/").status_code == 404
    assert client.post(f"/oa/services/{item.pk}/publish/").status_code == 404
    assert ServiceItem.objects.get(pk=item.pk).state == ItemState.DRAFT


def test_another_units_staff_cannot_edit_a_published_guide(login, clerk_a, clerk_b, county):
    item = make_item(clerk_a, county.a)
    services.publish_item(clerk_a, item)
    client = login(clerk_b)
    assert client.get(f"/oa/services/{item.pk}/").status_code == 200  # published: readable
    assert client.get(f"/oa/services/{item.pk}/edit/").status_code == 403
    assert client.post(f"/oa/services/{item.pk}/withdraw/", {"reason": "x"}).status_code == 403


def test_the_publish_button_shows_what_is_missing(login, clerk_a, county):
    item = make_item(clerk_a, county.a, place="", phone="")
    response = login(clerk_a).post(f"/oa/services/{item.pk}/publish/")
    html = response.content.decode()
    assert response.status_code == 400
    assert "办理地点" in html or "place" in html
    item.refresh_from_db()
    assert item.state == ItemState.DRAFT


def test_the_edit_form_saves_and_refuses_a_stale_revision(login, clerk_a, county):
    item = make_item(clerk_a, county.a)
    client = login(clerk_a)
    assert client.get(f"/oa/services/{item.pk}/edit/").status_code == 200
    data = _post_data(item, hours="全天办理")
    assert client.post(f"/oa/services/{item.pk}/edit/", data).status_code == 302
    assert client.post(f"/oa/services/{item.pk}/edit/", data).status_code == 409


def test_staff_attach_a_file_and_bad_files_are_refused(login, clerk_a, county):
    item = make_item(clerk_a, county.a)
    client = login(clerk_a)
    ok = client.post(f"/oa/services/{item.pk}/files/", {"slot": "result_sample", "file": pdf()})
    assert ok.status_code == 302
    bad = client.post(f"/oa/services/{item.pk}/files/", {"slot": "flow_chart", "file": pdf()})
    assert bad.status_code == 400


def test_staff_pages_need_sign_in(client):
    assert client.get("/oa/services/").status_code == 302


# --- staff writing through the API ----------------------------------------------------


def _api_fields(unit, **overrides):
    fields = complete_fields(**overrides)
    fields["events"] = [e.slug for e in fields["events"]]
    fields["unit"] = unit.pk
    return fields


def test_a_clerk_writes_and_publishes_a_guide_through_the_api(api_client, clerk_a, county):
    api_client.force_authenticate(clerk_a)
    response = api_client.post(API, _api_fields(county.a), format="json")
    assert response.status_code == 201, response.json()
    code = response.json()["implementation_code"]
    assert response.json()["state"] == "draft"
    changed = api_client.patch(
        f"{API}{code}/", {"hours": "全天", "revision": response.json()["revision"]}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["hours"] == "全天"
    published = api_client.post(f"{API}{code}/publish/")
    assert published.status_code == 200 and published.json()["state"] == "published"
    assert (
        api_client.post(f"{API}{code}/withdraw/", {"reason": ""}, format="json").status_code == 400
    )
    gone = api_client.post(f"{API}{code}/withdraw/", {"reason": "取消"}, format="json")
    assert gone.json()["state"] == "withdrawn"


def test_the_api_refuses_bad_input_with_the_field_named(api_client, clerk_a, county):
    api_client.force_authenticate(clerk_a)
    response = api_client.post(API, _api_fields(county.a, phone="123"), format="json")
    assert response.status_code == 400 and response.json()["field"] == "phone"
    response = api_client.post(API, _api_fields(county.a, promised_limit=30), format="json")
    assert response.json()["field"] == "promised_limit"
    response = api_client.post(
        API, _api_fields(county.a, events=[]) | {"events": ["nope"]}, format="json"
    )
    assert response.status_code == 400
    assert not ServiceItem.objects.exists()


def test_the_api_refuses_publishing_without_the_key_elements(api_client, clerk_a, county):
    item = make_item(clerk_a, county.a, place="")
    api_client.force_authenticate(clerk_a)
    response = api_client.post(f"{API}{item.implementation_code}/publish/")
    assert response.status_code == 400 and response.json()["code"] == "key_element_missing"


def test_another_unit_cannot_write_through_the_api(api_client, clerk_a, clerk_b, county):
    item = make_item(clerk_a, county.a)
    api_client.force_authenticate(clerk_b)
    assert api_client.post(API, _api_fields(county.a), format="json").status_code == 403
    code = item.implementation_code
    assert api_client.patch(f"{API}{code}/", {"hours": "x"}, format="json").status_code == 404
    assert api_client.post(f"{API}{code}/publish/").status_code == 404


def test_writing_through_the_api_needs_sign_in(api_client, clerk_a, county):
    assert api_client.post(API, _api_fields(county.a), format="json").status_code in (401, 403)
