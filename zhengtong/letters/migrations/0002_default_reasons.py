"""The out-of-scope list (docs/conformance.md LET-5, common mailbox rules) and a few standard
reply openings, so a new installation can decline and reply from day one. The IT
centre edits both in /admin/."""

from django.db import migrations

REASONS = [
    ("涉及诉讼、仲裁、行政复议等法定途径正在处理的事项", "请通过相应的法定途径继续办理。"),
    ("属于党委、人大、政协、法院、检察院或军队职权范围的事项", "请向有权处理的机关反映。"),
    ("需要110、119、120等紧急处置的事项", "紧急情况请立即拨打相应的紧急电话。"),
    ("已经办结的信访事项", "该事项已依法办结，如有异议可依法申请复查、复核。"),
    ("匿名或无法核实身份、联系方式的来信", "请填写真实姓名和联系方式后重新来信。"),
    ("商业广告或与政府工作无关的内容", ""),
    ("涉及国家秘密、商业秘密或他人隐私的内容", ""),
    ("同一来信人就同一事项重复来信", "您反映的事项已在办理中，请以查询码关注办理进度。"),
]

REPLIES = [
    ("consultation", "咨询答复", "您好！您咨询的问题答复如下：\n\n感谢您对我县工作的关心和支持。"),
    ("suggestion", "建议答复", "您好！感谢您提出的宝贵建议。经研究，答复如下：\n\n"),
    ("complaint", "投诉答复", "您好！您反映的问题我们已进行调查核实，情况如下：\n\n处理结果：\n\n"),
    ("report", "举报答复", "您好！您反映的情况已转有关部门依法依规调查处理，结果如下：\n\n"),
    ("", "通用答复", "您好！您的来信已收悉，现答复如下：\n\n如有疑问，请与承办单位联系。"),
]


def seed(apps, schema_editor):
    DeclineReason = apps.get_model("letters", "DeclineReason")
    StandardReply = apps.get_model("letters", "StandardReply")
    if not DeclineReason.objects.exists():
        for i, (text, public_text) in enumerate(REASONS):
            DeclineReason.objects.create(text=text, public_text=public_text, sort_order=i)
    if not StandardReply.objects.exists():
        for i, (category, title, text) in enumerate(REPLIES):
            StandardReply.objects.create(category=category, title=title, text=text, sort_order=i)


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
