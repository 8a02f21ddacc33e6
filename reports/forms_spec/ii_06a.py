from .base import Column, FormSpec, Section

_NHAN = ("Số lượng hồ sơ tiếp nhận",)
_TRONG_KY = (*_NHAN, "Trong kỳ")
_DA_GQ = ("Số lượng hồ sơ đã giải quyết",)
_DANG_GQ = ("Số lượng hồ sơ đang giải quyết",)

FORM = FormSpec(
    code="II.06a",
    title=(
        "TÌNH HÌNH, KẾT QUẢ GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH TẠI CƠ QUAN, ĐƠN VỊ TRỰC TIẾP GIẢI QUYẾT "
        "THỦ TỤC HÀNH CHÍNH"
    ),
    unit_of_measure="Số hồ sơ TTHC",
    label_header="Lĩnh vực giải quyết",
    sections=(
        Section(
            key="rows",
            title="",
            model_name="Row06a",
            columns=(
                Column(3, "Tổng số", _NHAN, counts="tổng số hồ sơ tiếp nhận", sum_of=(4, 5, 6)),
                Column(4, "Trực tuyến", _TRONG_KY, counts="số hồ sơ tiếp nhận trực tuyến trong kỳ"),
                Column(5, "Trực tiếp, dịch vụ bưu chính", _TRONG_KY,
                       counts="số hồ sơ tiếp nhận trực tiếp, qua dịch vụ bưu chính trong kỳ"),
                Column(6, "Từ kỳ trước", _NHAN, counts="số hồ sơ từ kỳ trước chuyển sang",
                       stock="first"),
                Column(7, "Tổng số", _DA_GQ, counts="tổng số hồ sơ đã giải quyết", sum_of=(8, 9, 10)),
                Column(8, "Trước hạn", _DA_GQ, counts="số hồ sơ giải quyết trước hạn"),
                Column(9, "Đúng hạn (bao gồm cả hồ sơ trả lại/xin rút)", _DA_GQ,
                       counts="số hồ sơ giải quyết đúng hạn"),
                Column(10, "Quá hạn", _DA_GQ, counts="số hồ sơ giải quyết quá hạn"),
                Column(11, "Tổng số", _DANG_GQ, counts="tổng số hồ sơ đang giải quyết", sum_of=(12, 13)),
                Column(12, "Trong hạn (bao gồm cả hồ sơ chờ bổ sung)", _DANG_GQ,
                       counts="số hồ sơ đang giải quyết trong hạn", stock="last"),
                Column(13, "Quá hạn", _DANG_GQ, counts="số hồ sơ đang giải quyết quá hạn", stock="last"),
            ),
        ),
    ),
)
