from .base import Column, FormSpec, Section

_MUC_3 = ("DVCTT mức độ 3 (một phần)",)
_MUC_4 = ("DVCTT mức độ 4 (toàn trình)",)

FORM = FormSpec(
    code="II.08",
    title=(
        "TÌNH HÌNH TRIỂN KHAI THỦ TỤC HÀNH CHÍNH TRÊN MÔI TRƯỜNG ĐIỆN TỬ CỦA BỘ, CƠ QUAN, ĐỊA PHƯƠNG"
    ),
    unit_of_measure="TTHC, hồ sơ",
    label_header="Lĩnh vực",
    sections=(
        Section(
            key="rows",
            title="",
            model_name="Row08",
            # Printed grouped by nhóm (A, B) then cấp, as the paper form does. Counts of services are
            # stocks (the last quarter of a year), counts of files flows (summed).
            label_keys=("nhom", "cap", "linh_vuc"),
            columns=(
                Column(3, "Được giao", _MUC_3, counts="số lượng DVCTT được giao", stock="last"),
                Column(4, "Đã triển khai", _MUC_3, counts="số lượng DVCTT đã triển khai", stock="last"),
                Column(5, "Số lượng hồ sơ phát sinh", _MUC_3, counts="số lượng hồ sơ phát sinh"),
                Column(6, "Được giao", _MUC_4, counts="số lượng DVCTT được giao", stock="last"),
                Column(7, "Đã triển khai", _MUC_4, counts="số lượng DVCTT đã triển khai", stock="last"),
                Column(8, "Số lượng hồ sơ phát sinh", _MUC_4, counts="số lượng hồ sơ phát sinh"),
                Column(9, "Tích hợp với Cổng Dịch vụ công quốc gia (có=1; không=0)",
                       counts="việc tích hợp với Cổng Dịch vụ công quốc gia (1 = có, 0 = không)",
                       flag=True, stock="last"),
            ),
        ),
    ),
)
