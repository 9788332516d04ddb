"""Forms of the generated documents: validation only, saving goes through dossiers.services."""
from django import forms
from django.utils.translation import gettext_lazy as _


class DocumentDateForm(forms.Form):
    date = forms.DateField(
        label=_("Ngày tờ trình"),
        input_formats=["%d/%m/%Y", "%Y-%m-%d"],
        widget=forms.DateInput(attrs={"placeholder": "dd/mm/yyyy", "inputmode": "numeric"}, format="%d/%m/%Y"),
        error_messages={"invalid": _("Ngày không hợp lệ: ghi theo dạng dd/mm/yyyy, ví dụ 15/12/2024."),
                        "required": _("Cần ghi ngày tờ trình.")},
        help_text=_("Mặc định: ngày cơ quan gửi, chấp thuận chuyển tiếp hồ sơ. Văn bản căn cứ luật có hiệu lực vào ngày này."),
    )
