from .base import Column, FormSpec, Section

_NHAN = ("Số PAKN tiếp nhận",)
_NOI_DUNG = ("Nội dung",)
_DA_XU_LY = ("Đã xử lý",)

FORM = FormSpec(
    code="II.05a",
    title=(
        "TÌNH HÌNH, KẾT QUẢ XỬ LÝ PHẢN ÁNH, KIẾN NGHỊ VỀ QUY ĐỊNH HÀNH CHÍNH, THỦ TỤC HÀNH CHÍNH"
    ),
    unit_of_measure="Số phản ánh, kiến nghị (PAKN)",
    label_header="Lĩnh vực",
    sections=(
        Section(
            key="rows",
            title="",
            model_name="Row05a",
            columns=(
                Column(3, "Tổng số", _NHAN, counts="tổng số PAKN tiếp nhận", sum_of=(4, 5)),
                # Pre-filled from the previous report's (10) (selectors.initial_forms).
                Column(4, "Từ kỳ trước chuyển qua", _NHAN, counts="số PAKN từ kỳ trước chuyển qua", stock="first"),
                Column(5, "Mới tiếp nhận trong kỳ", _NHAN, counts="số PAKN mới tiếp nhận trong kỳ"),
                Column(6, "Về quy định hành chính", _NOI_DUNG, counts="số PAKN về quy định hành chính"),
                Column(7, "Về hành vi hành chính", _NOI_DUNG, counts="số PAKN về hành vi hành chính"),
                Column(8, "Tổng số", _DA_XU_LY, counts="tổng số PAKN đã xử lý"),
                Column(9, "Trong đó: đã đăng tải công khai", _DA_XU_LY, counts="số PAKN đã xử lý được đăng tải công khai"),
                Column(10, "Đang xử lý", counts="số PAKN đang xử lý", stock="last"),
            ),
        ),
    ),
)
