from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("bao-cao/<str:period_code>/<str:unit_code>/", views.report_page, name="report"),
    path("bao-cao/<str:period_code>/<str:unit_code>/nhap-json/", views.report_upload, name="report_upload"),
    path("bao-cao/<str:period_code>/<str:unit_code>/tai-ve.json", views.report_export_json, name="report_export_json"),
]
