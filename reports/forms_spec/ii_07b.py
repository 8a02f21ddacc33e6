from .base import Column, FormSpec, Rate, Section

_THAM_QUYEN = ("Tổng số TTHC thuộc thẩm quyền giải quyết của địa phương",)
_CCMC = ("TTHC được thực hiện theo CCMC, MCLT",)
_QUY_TRINH = ("Quy trình nội bộ giải quyết TTHC theo CCMC, MCLT được ban hành",)

FORM = FormSpec(
    code="II.07b",
    title=(
        'TỔNG HỢP SỐ LƯỢNG THỦ TỤC HÀNH CHÍNH VÀ KẾT QUẢ THỰC HIỆN "4 TẠI CHỖ" TẠI BỘ PHẬN MỘT CỬA '
        "CỦA ĐỊA PHƯƠNG"
    ),
    unit_of_measure="TTHC, %",
    label_header="Lĩnh vực",
    # Both sections count TTHC and procedures in force: stocks, read from the last quarter of a year.
    sections=(
        Section(
            key="rows",
            title="I. SỐ LƯỢNG TTHC TRIỂN KHAI TẠI BỘ PHẬN MỘT CỬA",
            model_name="Row07b",
            columns=(
                Column(3, "Tổng số TTHC", _THAM_QUYEN, counts="tổng số TTHC thuộc thẩm quyền giải quyết",
                       sum_of=(4, 5, 6)),
                Column(4, "Cấp tỉnh", _THAM_QUYEN, counts="số TTHC cấp tỉnh", stock="last"),
                Column(5, "Cấp huyện", _THAM_QUYEN, counts="số TTHC cấp huyện", stock="last", level="huyen"),
                Column(6, "Cấp xã", _THAM_QUYEN, counts="số TTHC cấp xã", stock="last"),
                Column(7, "Tổng số TTHC", _CCMC, counts="tổng số TTHC thực hiện theo CCMC, MCLT", sum_of=(8, 9, 10)),
                Column(8, "Tại BPMC cấp tỉnh", _CCMC, counts="số TTHC thực hiện tại Bộ phận Một cửa cấp tỉnh", stock="last"),
                Column(9, "Tại BPMC cấp huyện", _CCMC, counts="số TTHC thực hiện tại Bộ phận Một cửa cấp huyện",
                       stock="last", level="huyen"),
                Column(10, "Tại BPMC cấp xã", _CCMC, counts="số TTHC thực hiện tại Bộ phận Một cửa cấp xã", stock="last"),
                Column(11, "Tổng số quy trình", _QUY_TRINH, counts="tổng số quy trình nội bộ giải quyết TTHC được ban hành",
                       sum_of=(12, 13, 14)),
                Column(12, "Cấp tỉnh", _QUY_TRINH, counts="số quy trình nội bộ cấp tỉnh", stock="last"),
                Column(13, "Cấp huyện", _QUY_TRINH, counts="số quy trình nội bộ cấp huyện", stock="last", level="huyen"),
                Column(14, "Cấp xã", _QUY_TRINH, counts="số quy trình nội bộ cấp xã", stock="last"),
            ),
        ),
        Section(
            key="bon_tai_cho",
            title='II. KẾT QUẢ THỰC HIỆN "4 TẠI CHỖ" TẠI BỘ PHẬN MỘT CỬA CẤP TỈNH, HUYỆN',
            model_name="Row07bBonTaiCho",
            columns=(
                Column(3, "Số lượng TTHC", ("Cấp tỉnh",), counts='số TTHC cấp tỉnh thực hiện "4 tại chỗ"', stock="last"),
                Column(4, "Tỷ lệ", ("Cấp tỉnh",), counts='tỷ lệ TTHC cấp tỉnh thực hiện "4 tại chỗ"',
                       rate=Rate(3, 4, "rows")),
                Column(5, "Số lượng TTHC", ("Cấp huyện",), counts='số TTHC cấp huyện thực hiện "4 tại chỗ"', stock="last", level="huyen"),
                Column(6, "Tỷ lệ", ("Cấp huyện",), counts='tỷ lệ TTHC cấp huyện thực hiện "4 tại chỗ"',
                       rate=Rate(5, 5, "rows"), level="huyen"),
            ),
        ),
    ),
)
