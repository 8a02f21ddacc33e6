from django.urls import path
from django.views.decorators.cache import never_cache

from .views import consolidation, officer, profile, review

# Figures and files of reports: never stored by the browser (a shared office computer) or a proxy.
# never_cache sends "Cache-Control: max-age=0, no-cache, no-store, must-revalidate, private".
urlpatterns = [
    path("", officer.home, name="home"),
    path("bao-cao/<str:period_code>/<str:unit_code>/", never_cache(officer.report_page), name="report"),
    path("bao-cao/<str:period_code>/<str:unit_code>/nhap-json/", officer.report_upload, name="report_upload"),
    path("bao-cao/<str:period_code>/<str:unit_code>/luu-tu-dong/", officer.report_autosave, name="report_autosave"),
    path("bao-cao/<str:period_code>/<str:unit_code>/bo-thay-doi/", officer.report_discard, name="report_discard"),
    path("bao-cao/<str:period_code>/<str:unit_code>/tai-ve.<str:fmt>", never_cache(officer.report_download), name="report_download"),
    path("bao-cao/<str:period_code>/<str:unit_code>/tra-lai/", review.report_return, name="report_return"),
    path("bao-cao/<str:period_code>/<str:unit_code>/duyet/", review.report_approve, name="report_approve"),
    path("theo-doi/<str:period_code>/", review.board, name="board"),
    path("tong-hop/", consolidation.consolidation_latest, name="consolidation_latest"),
    path("tong-hop/<str:period_code>/", never_cache(consolidation.consolidation_page), name="consolidation"),
    path("tong-hop/<str:period_code>/tai-ve.<str:fmt>", never_cache(consolidation.consolidation_download),
         name="consolidation_download"),
    path("tong-hop/<str:period_code>/van-ban/", profile.province_document, name="province_document"),
    path("don-vi/<str:unit_code>/ho-so/", profile.unit_profile, name="unit_profile"),
    path("tong-hop-nam/<int:year>/", never_cache(consolidation.annual_page), name="annual"),
    path("tong-hop-nam/<int:year>/<slug:span>/", never_cache(consolidation.annual_page), name="annual_span"),
]
