"""Tests of personal-data masking (docs/conformance.md SEC-16) and its template filters."""

from django.template import Context, Template
from django.utils.safestring import mark_safe

from zhengtong.core.masking import (
    CITIZEN_ID,
    MOBILE,
    find_addresses,
    find_person_names,
    find_personal_data,
    mask_addresses,
    mask_citizen_id,
    mask_mobile,
    mask_name,
    mask_person_name,
    mask_person_names,
    mask_phone,
    mask_text,
)
from zhengtong.core.validators import citizen_id_check_char

VALID_ID = "11010519491231002X"  # docs/conformance.md VAL-1: the standard's example
VALID_ID_2 = "32010219900101" + "123" + citizen_id_check_char("32010219900101123")
WRONG_CHECK_ID = "340524198001010013"  # docs/conformance.md VAL-1: fails the check


def render(template, **context):
    return Template("{% load masking %}" + template).render(Context(context))


# --- Single values -------------------------------------------------------------------------


def test_a_citizen_id_keeps_its_first_four_and_last_four_characters():
    assert mask_citizen_id("320102199001011234") == "3201**********1234"
    assert mask_citizen_id(VALID_ID) == "1101**********002X"


def test_a_too_short_id_value_is_masked_completely_and_none_gives_empty():
    assert mask_citizen_id("12345678") == "********"
    assert mask_citizen_id(None) == ""


def test_a_mobile_keeps_its_first_three_and_last_four_digits():
    assert mask_mobile("13812345678") == "138****5678"


def test_a_mobile_with_country_code_and_separators_is_masked_to_eleven_digits():
    assert mask_mobile("+86 138-1234-5678") == "138****5678"


def test_a_value_that_is_not_a_mobile_is_still_masked_in_the_middle():
    assert mask_mobile("12812345678") == "128****5678"
    assert mask_mobile("1234567") == "*******"
    assert mask_mobile("") == ""
    assert mask_mobile(None) == ""


def test_a_landline_keeps_its_area_code_and_last_four_digits():
    assert mask_phone("0551-12345678") == "0551-****5678"
    assert mask_phone("0101234567") == "010-***4567"


def test_mask_phone_masks_mobiles_like_mask_mobile():
    assert mask_phone("+8613812345678") == "138****5678"


def test_a_name_keeps_only_its_first_character():
    assert mask_name("张三丰") == "张**"
    assert mask_name("李四") == "李*"
    assert mask_name("欧阳娜娜") == "欧***"


def test_a_one_character_or_empty_name_is_masked_completely():
    assert mask_name("王") == "*"
    assert mask_name("") == ""
    assert mask_name(None) == ""


# --- Free text -----------------------------------------------------------------------------


def test_find_personal_data_reports_ids_and_mobiles_in_order():
    text = f"申请人王某，手机13812345678，身份证号{VALID_ID}；联系人电话 139-0000-1111。"
    assert find_personal_data(text) == [
        (MOBILE, "13812345678"),
        (CITIZEN_ID, VALID_ID),
        (MOBILE, "139-0000-1111"),
    ]


def test_an_18_digit_number_with_a_wrong_check_character_is_not_reported_as_an_id():
    assert find_personal_data(f"编号{WRONG_CHECK_ID}") == []


def test_an_18_digit_number_without_a_real_birth_date_is_not_reported_as_an_id():
    fake = "32010219901301123" + citizen_id_check_char("32010219901301123")  # month 13
    assert find_personal_data(f"单号{fake}") == []


def test_an_id_inside_a_longer_number_or_code_is_not_reported():
    assert find_personal_data(f"9{VALID_ID}") == []
    assert find_personal_data(f"A{VALID_ID}B") == []


def test_a_mobile_inside_a_longer_digit_run_is_not_reported():
    assert find_personal_data("订单号 2013812345678901") == []


def test_a_mobile_with_plus_86_prefix_is_reported_with_the_prefix():
    assert find_personal_data("电话：+86 13812345678。") == [(MOBILE, "+86 13812345678")]


def test_a_lower_case_x_id_is_reported():
    lower = VALID_ID.lower()
    assert find_personal_data(f"身份证{lower}") == [(CITIZEN_ID, lower)]


def test_full_width_numbers_are_found_too():
    full_width_mobile = "１３８１２３４５６７８"
    assert find_personal_data(f"手机{full_width_mobile}") == [(MOBILE, full_width_mobile)]


def test_mask_text_masks_every_id_and_mobile_and_keeps_the_rest():
    text = f"申请人王某（身份证{VALID_ID}，手机13812345678）反映的问题已办结。"
    assert (
        mask_text(text)
        == "申请人王某（身份证1101**********002X，手机138****5678）反映的问题已办结。"
    )


def test_mask_text_keeps_the_country_code_of_a_mobile():
    assert mask_text("热线 +86 138-1234-5678") == "热线 +86 138****5678"


def test_mask_text_leaves_numbers_that_are_not_personal_data_alone():
    text = f"文号：县政发〔2024〕12号，统一社会信用代码914403001922038216，编号{WRONG_CHECK_ID}，电话0551-12345678"
    assert mask_text(text) == text


def test_mask_text_handles_several_ids_and_none():
    assert mask_text(f"{VALID_ID}、{VALID_ID_2}") == (
        f"{VALID_ID[:4]}{'*' * 10}{VALID_ID[-4:]}、{VALID_ID_2[:4]}{'*' * 10}{VALID_ID_2[-4:]}"
    )
    assert mask_text(None) == ""


# --- Template filters ----------------------------------------------------------------------


def test_the_mask_id_filter_masks_an_id_number():
    assert render("{{ v|mask_id }}", v="320102199001011234") == "3201**********1234"


def test_the_mask_phone_filter_masks_mobiles_and_landlines():
    assert render("{{ m|mask_phone }} {{ t|mask_phone }}", m="13812345678", t="0551-12345678") == (
        "138****5678 0551-****5678"
    )


def test_the_mask_name_and_mask_text_filters_mask_their_values():
    assert render("{{ n|mask_name }}", n="张三丰") == "张**"
    assert render("{{ t|mask_text }}", t="电话13812345678") == "电话138****5678"


def test_the_filters_escape_unsafe_input_and_keep_safe_input_safe():
    assert render("{{ t|mask_text }}", t="<b>13812345678</b>") == "&lt;b&gt;138****5678&lt;/b&gt;"
    assert render("{{ t|mask_text }}", t=mark_safe("<b>13812345678</b>")) == "<b>138****5678</b>"


def test_the_filters_render_none_as_empty():
    assert render("[{{ v|mask_id }}][{{ v|mask_phone }}]", v=None) == "[][]"


# --- Addresses and personal names (letters and comments before publication) -------------

VILLAGE_LETTER = (
    "我是禾溪县城关镇东风村三组村民王建国，家住东风村三组12号。"
    "邻居李秀英家的狗经常咬人，村支书张伟说不归他管。"
)


def test_the_detailed_part_of_an_address_is_masked_and_the_area_down_to_the_town_kept():
    assert mask_addresses("禾溪县城关镇东风村三组12号") == "禾溪县城关镇" + "*" * 8
    assert mask_addresses("河西乡石桥村第五村民小组的村民") == "河西乡" + "*" * 9 + "的村民"
    assert mask_addresses("城关街道东风社区5组的路灯不亮") == "城关街道" + "*" * 6 + "的路灯不亮"


def test_a_town_address_with_road_building_entrance_and_room_is_masked_whole():
    text = "我住在人民路35号3栋2单元602室，物业不作为。"
    assert find_addresses(text) == ["人民路35号3栋2单元602室"]
    assert mask_addresses(text) == "我住在" + "*" * 15 + "，物业不作为。"
    assert find_addresses("阳光花园5幢1单元301室") == ["阳光花园5幢1单元301室"]
    assert find_addresses("和平路88号") == ["和平路88号"]
    assert mask_addresses("在县城人民路35号租房") == "在县城" + "*" * 6 + "租房"
    # Full-width digits too.
    assert find_addresses("解放街１２号") == ["解放街１２号"]


def test_places_and_numbers_that_are_not_an_address_stay():
    for text in (
        "东风村的道路坏了，人民路也堵车。",  # a village, a road: places being talked about
        "根据县政发〔2025〕12号文件办理。",  # a document number
        "请第三组专家调研。",
        "城关街道办事处已经答复。",
        "县人民医院3号楼在装修。",
    ):
        assert find_addresses(text) == [], text
        assert mask_addresses(text) == text


def test_personal_names_are_masked_keeping_the_surname():
    assert mask_person_name("王建国") == "王某某"
    assert mask_person_name("张伟") == "张某"
    assert mask_person_name("欧阳娜娜") == "欧阳某某"
    assert mask_person_name("Chen Xiaoming") == "C************"
    assert find_person_names(VILLAGE_LETTER) == ["王建国", "李秀英", "张伟"]
    masked = mask_person_names(VILLAGE_LETTER)
    assert "王某某" in masked and "李某某" in masked and "张某说" in masked
    assert "王建国" not in masked and "李秀英" not in masked
    assert mask_person_names("我叫欧阳娜娜。") == "我叫欧阳某某。"
    # jieba splits some names after the surname (王 / 秀英): joined back.
    assert mask_person_names("邻居王秀英也认为") == "邻居王某某也认为"


def test_place_and_unit_names_are_not_taken_for_people():
    for text in (
        "李寨乡卫生院门口的路灯坏了。",
        "请张庄镇政府处理。",
        "向王家坝镇反映过多次。",
        "李某反映的问题，陈主任已经批示。",  # already masked; a bare surname
    ):
        assert find_person_names(text) == [], text
    # Words of the county's unit and place names (`keep`) are never masked.
    text = "请高桥中学和张庄镇政府联系王芳。"
    assert find_person_names(text, keep=["张庄镇", "高桥中学"]) == ["王芳"]


def test_the_website_check_does_not_report_addresses_or_names():
    """find_personal_data (the portal's pre-publication check) stays with ID and mobile
    numbers: an address or a name never blocks a page."""
    assert find_personal_data(VILLAGE_LETTER) == []
    assert mask_text(VILLAGE_LETTER) == VILLAGE_LETTER
