from .base import Column, FormSpec, Rate, Section

_PHUONG_AN = ("Phương án đơn giản hóa",)
_CHI_PHI = ("Chi phí tuân thủ TTHC (đồng/năm)",)

FORM = FormSpec(
    code="II.04",
    title="KẾT QUẢ RÀ SOÁT, ĐƠN GIẢN HÓA THỦ TỤC HÀNH CHÍNH",
    unit_of_measure="Số TTHC; đồng",
    label_header="Lĩnh vực",
    # Every column is a flow: a year sums its quarters.
    sections=(
        Section(
            key="rows",
            title="",
            model_name="Row04",
            columns=(
                Column(3, "Số TTHC cần rà soát theo kế hoạch", counts="số TTHC cần rà soát theo kế hoạch"),
                Column(4, "Số TTHC đã rà soát, thông qua phương án đơn giản hóa",
                       counts="số TTHC đã rà soát, thông qua phương án đơn giản hóa"),
                Column(5, "Giữ nguyên", _PHUONG_AN, counts="số TTHC giữ nguyên"),
                Column(6, "Bãi bỏ", _PHUONG_AN, counts="số TTHC bãi bỏ"),
                Column(7, "Sửa đổi, bổ sung", _PHUONG_AN, counts="số TTHC sửa đổi, bổ sung"),
                Column(8, "Thay thế", _PHUONG_AN, counts="số TTHC thay thế"),
                Column(9, "Liên thông", _PHUONG_AN, counts="số TTHC liên thông"),
                Column(10, "Có giải pháp thực hiện trên môi trường điện tử", _PHUONG_AN,
                       counts="số TTHC có giải pháp thực hiện trên môi trường điện tử"),
                Column(11, "Trước đơn giản hóa", _CHI_PHI, counts="chi phí tuân thủ trước đơn giản hóa (đồng/năm)",
                       money=True),
                Column(12, "Sau đơn giản hóa", _CHI_PHI, counts="chi phí tuân thủ sau đơn giản hóa (đồng/năm)",
                       money=True),
                Column(13, "Số tiền tiết kiệm được", _CHI_PHI, counts="số tiền tiết kiệm được (đồng/năm)",
                       difference=(11, 12), money=True),
                Column(14, "Tỷ lệ chi phí tiết kiệm được", counts="tỷ lệ chi phí tiết kiệm được",
                       rate=Rate(13, 11)),
                Column(15, "Tỷ lệ hoàn thành kế hoạch rà soát", counts="tỷ lệ hoàn thành kế hoạch rà soát",
                       rate=Rate(4, 3)),
            ),
        ),
    ),
)
