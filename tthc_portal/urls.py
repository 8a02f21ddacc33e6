from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from units.forms import LoginForm

admin.site.site_header = "Quản trị cổng báo cáo kiểm soát TTHC"
admin.site.site_title = "Quản trị cổng báo cáo TTHC"
admin.site.index_title = "Đơn vị, lĩnh vực, kỳ báo cáo và người dùng"

urlpatterns = [
    path("dang-nhap/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
         name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("quan-tri/", admin.site.urls),
    path("", include("reports.urls")),
]

if settings.BENCH_ENDPOINTS:
    from .views import bench_floor

    urlpatterns.append(path("_bench/floor/", bench_floor, name="bench_floor"))
