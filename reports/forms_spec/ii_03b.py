from .base import Column, FormSpec, Section

_CONG_BO = ("Số lượng TTHC đã được công bố",)
_CONG_KHAI = ("Số lượng TTHC đã được công khai/ không công khai",)

COLUMNS = (
    Column(3, "Số lượng quyết định công bố", counts="số lượng quyết định công bố"),
    Column(4, "Số lượng văn bản QPPL quy định TTHC được công bố",
           counts="số lượng văn bản QPPL quy định TTHC được công bố"),
    Column(5, "Tổng số", _CONG_BO, counts="tổng số TTHC đã được công bố", sum_of=(6, 7, 8)),
    Column(6, "TTHC quy định mới", _CONG_BO, counts="số lượng TTHC quy định mới được công bố"),
    Column(7, "TTHC sửa đổi, bổ sung", _CONG_BO, counts="số lượng TTHC sửa đổi, bổ sung được công bố"),
    Column(8, "TTHC bãi bỏ", _CONG_BO, counts="số lượng TTHC bãi bỏ được công bố"),
    Column(9, "Ban hành mới hoặc sửa đổi, bổ sung (Công khai)", _CONG_KHAI,
           counts="số lượng TTHC ban hành mới hoặc sửa đổi, bổ sung được công khai"),
    Column(10, "Bãi bỏ hoặc thay thế (Không công khai)", _CONG_KHAI,
           counts="số lượng TTHC bãi bỏ hoặc thay thế không công khai"),
    Column(11, "Tổng số TTHC thuộc thẩm quyền giải quyết của địa phương tính đến thời điểm báo cáo",
           counts="tổng số TTHC thuộc thẩm quyền giải quyết tính đến thời điểm báo cáo", stock="last"),
)

FORM = FormSpec(
    code="II.03b",
    title="KẾT QUẢ CÔNG BỐ, CÔNG KHAI THỦ TỤC HÀNH CHÍNH TẠI ĐỊA PHƯƠNG",
    unit_of_measure="TTHC, VB",
    label_header="Tên cơ quan, đơn vị thực hiện",
    sections=(
        Section(
            key="trung_uong",
            title="I. CÔNG BỐ DANH MỤC TTHC, CÔNG KHAI TTHC THUỘC THẨM QUYỀN BAN HÀNH CỦA TRUNG ƯƠNG",
            columns=COLUMNS,
            label_keys=("ten",),
            model_name="Row03bTrungUong",
        ),
        Section(
            key="dia_phuong",
            title="II. CÔNG BỐ, CÔNG KHAI TTHC THUỘC THẨM QUYỀN BAN HÀNH CỦA ĐỊA PHƯƠNG",
            columns=COLUMNS,
            label_keys=("cap",),
            fixed_caps=("tinh", "huyen", "xa"),
            rows_are_levels=True,
            model_name="Row03bDiaPhuong",
        ),
    ),
)
