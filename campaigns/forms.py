"""Forms of the campaigns app: validation only; saving goes through campaigns.services."""
from django import forms

from campaigns.services.units import MAX_FILE_SIZE
from campaigns.text import CleanTextForm


class UnitImportForm(CleanTextForm):
    file = forms.FileField(
        label="Tệp Excel (.xlsx)",
        help_text=f"Tối đa {MAX_FILE_SIZE // (1024 * 1024)} MB. Dòng đầu là dòng tiêu đề.",
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}),
        error_messages={"required": "Hãy chọn tệp Excel cần nhập.", "empty": "Tệp rỗng (0 byte)."},
    )
    update = forms.BooleanField(
        label="Cập nhật đơn vị đã có",
        required=False,
        help_text="Bật: dòng có mã đã tồn tại sẽ ghi đè đơn vị đó. Tắt (mặc định): mã đã tồn tại là lỗi.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_FILE_SIZE:
            raise forms.ValidationError(
                f"Tệp quá lớn ({upload.size / 1024 / 1024:.1f} MB); giới hạn {MAX_FILE_SIZE // (1024 * 1024)} MB."
            )
        return upload
